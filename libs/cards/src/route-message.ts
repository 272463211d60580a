import { redactUrlText } from './card-text';

/**
 * An HTTP framework's message about a request, fit to answer with: masked as URLs write cards
 * (`redactUrlText`: decoded as often as it was escaped), and a "Cannot POST /path?query"
 * without its query, which is no part of any route and may be a form's fields
 * (`?pan=4111+1111…`).
 */
export function withoutQuery(message: string): string {
  const route = /^(\s*cannot\s+\S*\s+[^?]*)(\?[\s\S]*)?$/i.exec(message);
  if (!route) return redactUrlText(message);
  return `${redactUrlText(route[1])}${route[2] ? '?…' : ''}`;
}
