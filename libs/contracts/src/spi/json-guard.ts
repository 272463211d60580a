/** Deeper than any real menu or order; bounds the recursion of everything downstream. */
export const MAX_JSON_DEPTH = 64;

/**
 * More JSON values than any real body holds (a 10 MB menu of real items holds about 200,000).
 * Parsing, checking and masking cost about a microsecond a value, so a body of millions of
 * `{}` would hold the gateway's loop, and every call on it, for seconds.
 */
export const MAX_JSON_VALUES = 1_000_000;

/**
 * Whether JSON text holds more than `max` values, counted without parsing: each value but the
 * first follows a `,`, or the `[` or `{` of a container that is not empty, outside strings.
 * Text of `max` bytes or fewer cannot, and is not read.
 */
export function holdsMoreJsonValues(json: Uint8Array, max = MAX_JSON_VALUES): boolean {
  if (json.length <= max) return false;
  let count = 1;
  let inString = false;
  for (let at = 0; at < json.length; at++) {
    const byte = json[at];
    if (inString) {
      if (byte === BACKSLASH) at++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (
      byte === COMMA ||
      ((byte === OPEN_ARRAY || byte === OPEN_OBJECT) && !empty(json, at))
    ) {
      if (++count > max) return true;
    }
  }
  return false;
}

/** Whether the container opened at `at` closes before anything but white space. */
function empty(json: Uint8Array, at: number): boolean {
  let next = at + 1;
  while (next < json.length && WHITE_SPACE.has(json[next])) next++;
  return json[next] === CLOSE_ARRAY || json[next] === CLOSE_OBJECT;
}

const WHITE_SPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;
const BACKSLASH = 0x5c;
const QUOTE = 0x22;
const COMMA = 0x2c;
const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;

/**
 * Finds what makes a parsed JSON value unsafe to hand to recursive code or to object copies:
 * nesting deeper than `maxDepth`, or a `__proto__` key; or to pass on: a number too large for a
 * double (`1e400` parses to Infinity, which JSON writes as `null`). Iterative, so any depth is
 * safe here.
 */
export function findUnsafeJson(root: unknown, maxDepth = MAX_JSON_DEPTH): string | undefined {
  if (typeof root !== 'object' || root === null) return undefined;
  return isSafeJson(root, maxDepth) ? undefined : describeUnsafeJson(root, maxDepth);
}

/** A number JSON.parse made Infinity of (`1e400`): JSON would write it back as `null`. */
function unrepresentable(value: unknown): boolean {
  return typeof value === 'number' && !Number.isFinite(value);
}

/** The same walk without paths: it runs on every body, and a path string per node is costly. */
function isSafeJson(root: unknown, maxDepth: number): boolean {
  const values: unknown[] = [root];
  const depths: number[] = [0];
  while (values.length > 0) {
    const value = values.pop() as Record<string, unknown> | unknown[];
    const depth = depths.pop()!;
    if (depth >= maxDepth) return false;
    if (Array.isArray(value)) {
      for (const child of value) {
        if (typeof child === 'object' && child !== null) {
          values.push(child);
          depths.push(depth + 1);
        } else if (unrepresentable(child)) return false;
      }
      continue;
    }
    for (const key in value) {
      if (key === '__proto__') return false;
      const child = value[key];
      if (typeof child === 'object' && child !== null) {
        values.push(child);
        depths.push(depth + 1);
      } else if (unrepresentable(child)) return false;
    }
  }
  return true;
}

function describeUnsafeJson(root: unknown, maxDepth: number): string | undefined {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [
    { value: root, path: '', depth: 0 },
  ];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    if (unrepresentable(value)) {
      return `${shorten(path)} is a number too large to represent`;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= maxDepth) return `${shorten(path)} is nested deeper than ${maxDepth} levels`;
    if (Array.isArray(value)) {
      value.forEach((child, index) =>
        stack.push({ value: child, path: `${path}[${index}]`, depth: depth + 1 }),
      );
      continue;
    }
    for (const key of Object.keys(value)) {
      const childPath = path ? `${path}.${key}` : key;
      if (key === '__proto__') return `${shorten(childPath)} is not an allowed key`;
      stack.push({
        value: (value as Record<string, unknown>)[key],
        path: childPath,
        depth: depth + 1,
      });
    }
  }
  return undefined;
}

/**
 * A long path as its first and last 60 characters. Whatever is not a letter at either cut goes
 * too: a card number cut in two would show more than its first 6 and last 4 digits to the
 * masking after.
 */
function shorten(path: string): string {
  if (path.length <= 120) return path;
  const head = path.slice(0, 60).replace(/\P{L}+$/u, '');
  const tail = path.slice(-60).replace(/^\P{L}+/u, '');
  return `${head}…${tail}`;
}

/** A NUL, or half of a UTF-16 surrogate pair: JSON may carry them, PostgreSQL's json may not. */
const UNSTORABLE = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** The hex digits of a `\u` escape that writes a NUL or half of a surrogate pair. */
const UNSTORABLE_ESCAPE = /^(?:0000|[dD][89a-fA-F])/;

/**
 * Whether JSON text may parse to a string `findUnstorableText` refuses: only a `\u0000` or a
 * `\uD800`–`\uDFFF` escape can write one (UTF-8 text decodes to whole characters, and JSON
 * forbids a raw NUL in a string). Most bodies have none, and are not walked.
 */
export function mayHoldUnstorableText(json: Buffer | string): boolean {
  for (let at = json.indexOf('\\u'); at >= 0; at = json.indexOf('\\u', at + 2)) {
    const hex =
      typeof json === 'string'
        ? json.slice(at + 2, at + 6)
        : json.toString('latin1', at + 2, at + 6);
    if (UNSTORABLE_ESCAPE.test(hex)) return true;
  }
  return false;
}

/**
 * Finds a key or a string value of a parsed JSON value that no order store can keep: a NUL
 * character, or an unpaired surrogate. Run on a value `findUnsafeJson` passed.
 */
export function findUnstorableText(root: unknown): string | undefined {
  return holdsUnstorableText(root) ? describeUnstorableText(root) : undefined;
}

/** The same walk without paths, as `isSafeJson`. */
function holdsUnstorableText(root: unknown): boolean {
  const values: unknown[] = [root];
  while (values.length > 0) {
    const value = values.pop();
    if (typeof value === 'string') {
      if (UNSTORABLE.test(value)) return true;
    } else if (Array.isArray(value)) {
      for (const child of value) values.push(child);
    } else if (typeof value === 'object' && value !== null) {
      for (const key in value) {
        if (UNSTORABLE.test(key)) return true;
        values.push((value as Record<string, unknown>)[key]);
      }
    }
  }
  return false;
}

function describeUnstorableText(root: unknown): string | undefined {
  const stack: Array<{ value: unknown; path: string }> = [{ value: root, path: '' }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (typeof value === 'string') {
      if (UNSTORABLE.test(value)) return `${shorten(path)} holds a NUL or an unpaired surrogate`;
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (Array.isArray(value)) {
      value.forEach((child, index) => stack.push({ value: child, path: `${path}[${index}]` }));
      continue;
    }
    for (const key of Object.keys(value)) {
      if (UNSTORABLE.test(key)) {
        return `a key under ${shorten(path) || 'the body'} holds a NUL or an unpaired surrogate`;
      }
      const childPath = path ? `${path}.${key}` : key;
      stack.push({ value: (value as Record<string, unknown>)[key], path: childPath });
    }
  }
  return undefined;
}
