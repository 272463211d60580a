import { redactCardText } from './card-text';

/**
 * How far past the kept length the text is redacted: wider than any PAN written in groups
 * (19 digits, 18 separators) or named security code, so that a card the first cut splits lies
 * wholly past what is kept.
 */
const CUT_MARGIN = 64;

/**
 * An error description fit to store, send on Kafka and return to Wix: PANs masked to their
 * first six and last four digits, named security codes removed, and at most `maxChars` long,
 * a cut one ending with a marker that gives the original length. Integrations write their
 * descriptions from POS answers, and a POS may quote the request, card included.
 */
export function safeDescription(text: string, maxChars: number): string {
  const source = String(text);
  // Redaction is a pass over the text: a megabyte of it is read only as far as it is kept.
  const head = source.length > maxChars ? source.slice(0, maxChars + CUT_MARGIN) : source;
  const redacted = redactCardText(head);
  if (source.length <= maxChars && redacted.length <= maxChars) return redacted;
  const marker = `… [cut, ${source.length} characters in all]`;
  return (wholeCharacters(redacted, maxChars - marker.length) + marker).slice(0, maxChars);
}

/** The first `length` UTF-16 units, without half of a surrogate pair. */
function wholeCharacters(text: string, length: number): string {
  if (length <= 0) return '';
  const high = text.charCodeAt(length - 1);
  return text.slice(0, high >= 0xd800 && high <= 0xdbff ? length - 1 : length);
}
