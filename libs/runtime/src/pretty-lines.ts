import { DestinationStream } from 'pino';

const colors: Record<string, number> = {
  trace: 90,
  debug: 90,
  info: 32,
  warn: 33,
  error: 31,
  fatal: 35,
};

/**
 * One JSON log line as a person at a terminal reads it:
 * `00:47:17.789 INFO  [Orders] order accepted brand=demo ms=12`, an error's stack below it.
 */
export function prettyLine(json: string, color: boolean): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const { level, time, context, msg, err, ...fields } = entry;
  delete fields.pid;
  delete fields.hostname;
  const label = typeof level === 'string' ? level : 'info';
  const tag = label.toUpperCase().padEnd(5);
  const parts = [
    typeof time === 'string' ? time.slice(11, 23) : '',
    color ? `\x1b[${colors[label] ?? 0}m${tag}\x1b[0m` : tag,
  ];
  if (typeof context === 'string') parts.push(`[${context}]`);
  if (msg !== undefined) parts.push(typeof msg === 'string' ? msg : JSON.stringify(msg));
  for (const [key, value] of Object.entries(fields)) parts.push(`${key}=${shown(value)}`);
  const stack = (err as { stack?: unknown } | undefined)?.stack;
  return `${parts.join(' ')}${typeof stack === 'string' ? `\n${stack}` : ''}\n`;
}

function shown(value: unknown): string {
  return typeof value === 'string' && /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
}

/** A pino destination that writes `prettyLine`s, in colour when the stream has colours. */
export function prettyLines(out: NodeJS.WriteStream): DestinationStream {
  const color = out.hasColors?.() ?? false;
  return { write: (line: string) => void out.write(prettyLine(line, color)) };
}
