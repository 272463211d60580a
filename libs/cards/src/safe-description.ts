import { redactCardHead, redactCardText } from './card-text';

/**
 * How far past the kept length the text is read, so that what is kept reads as masked in the
 * whole text. The run of digits the cut splits is masked whole (`redactCardHead`), wherever
 * masking, which shortens some runs, leaves it.
 */
const CUT_MARGIN = 128;

/**
 * An error description fit to store, send on Kafka and return to Wix: PANs masked to their
 * first six and last four digits, named security codes removed, and at most `maxChars` long,
 * a cut one ending with a marker that gives the original length. Integrations write their
 * descriptions from POS answers, and a POS may quote the request, card included.
 */
export function safeDescription(text: string, maxChars: number): string {
  const source = String(text);
  // Redaction is a pass over the text: a megabyte of it is read only as far as it is kept.
  const cut = source.length > maxChars + CUT_MARGIN;
  const head = cut ? source.slice(0, maxChars + CUT_MARGIN) : source;
  const redacted = cut ? redactCardHead(head) : redactCardText(head);
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
