import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';

/** The `cards` object encrypted for its trip through Kafka. All binary fields are base64. */
export interface SealedCards {
  v: 1;
  kid: string;
  iv: string;
  tag: string;
  data: string;
}

const KEY_ID = /^[A-Za-z0-9._-]{1,32}$/;
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const CANNOT_OPEN = 'the card data cannot be opened (tampered, or sealed for another order)';

/**
 * Padded base64, as `Buffer` writes it, or undefined. Checked by writing the bytes back, not by
 * a regular expression: V8 runs out of stack matching one on a string of a few megabytes.
 */
function decodeBase64(text: string): Buffer | undefined {
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}

/**
 * AES-256-GCM keys by id. The first key seals; every key opens, so a new key can be put first
 * while messages sealed with the old one are still in the topic. Key material is held in a private
 * field and never printed: not by errors, not by inspect, not by JSON.stringify.
 */
export class CardKeyring {
  readonly #keys: ReadonlyMap<string, Buffer>;
  readonly #active: string;

  private constructor(keys: Map<string, Buffer>, active: string) {
    this.#keys = keys;
    this.#active = active;
  }

  /** `"<kid>:<base64 of 32 bytes>[,<kid>:<base64>…]"`; errors name the position and key id only. */
  static parse(spec: string): CardKeyring {
    if (typeof spec !== 'string' || spec.trim() === '') {
      throw new Error('card keys: none configured (expected "<kid>:<base64 of 32 bytes>[,…]")');
    }
    const keys = new Map<string, Buffer>();
    spec.split(',').forEach((entry, index) => {
      const position = `card key #${index + 1}`;
      const text = entry.trim();
      if (text === '') throw new Error(`${position}: is empty`);
      const colon = text.indexOf(':');
      if (colon < 0) throw new Error(`${position}: expected "<kid>:<base64 of 32 bytes>"`);
      const kid = text.slice(0, colon);
      if (!KEY_ID.test(kid)) {
        throw new Error(`${position}: the key id must match [A-Za-z0-9._-]{1,32}`);
      }
      if (keys.has(kid)) throw new Error(`${position} ("${kid}"): the key id is used twice`);
      const key = decodeBase64(text.slice(colon + 1).trim());
      if (key === undefined) throw new Error(`${position} ("${kid}"): the key is not base64`);
      if (key.length !== KEY_BYTES) {
        key.fill(0);
        throw new Error(`${position} ("${kid}"): the key must be the base64 of exactly 32 bytes`);
      }
      keys.set(kid, key);
    });
    return new CardKeyring(keys, [...keys.keys()][0]);
  }

  /** A spec with one fresh random key, for tests and for setting up an environment. */
  static generate(kid = 'k1'): string {
    if (!KEY_ID.test(kid)) throw new Error('card key id must match [A-Za-z0-9._-]{1,32}');
    return `${kid}:${randomBytes(KEY_BYTES).toString('base64')}`;
  }

  get activeKeyId(): string {
    return this.#active;
  }

  get keyIds(): string[] {
    return [...this.#keys.keys()];
  }

  /**
   * `context` (e.g. `"<brand>\n<wix order id>"`) is authenticated but not stored: opening needs the
   * same context, so a sealed blob copied onto another order's message does not open.
   */
  seal(cards: unknown, context: string): SealedCards {
    if (typeof context !== 'string') throw new Error('the seal context must be a string');
    let plaintext: string | undefined;
    try {
      plaintext = JSON.stringify(cards);
    } catch {
      plaintext = undefined;
    }
    if (plaintext === undefined) throw new Error('the card data cannot be sealed: not JSON');
    const key = this.#keys.get(this.#active)!;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return {
      v: 1,
      kid: this.#active,
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      data: data.toString('base64'),
    };
  }

  open(sealed: unknown, context: string): unknown {
    if (typeof context !== 'string') throw new Error('the seal context must be a string');
    if (typeof sealed !== 'object' || sealed === null || Array.isArray(sealed)) {
      throw new Error('sealed cards: not an object');
    }
    const envelope = sealed as Record<string, unknown>;
    if (envelope.v !== 1) throw new Error('sealed cards: v must be 1');
    const { kid, iv, tag, data } = envelope;
    if (typeof kid !== 'string' || !KEY_ID.test(kid)) {
      throw new Error('sealed cards: kid must match [A-Za-z0-9._-]{1,32}');
    }
    const ivBytes = typeof iv === 'string' ? decodeBase64(iv) : undefined;
    if (ivBytes?.length !== IV_BYTES)
      throw new Error('sealed cards: iv must be 12 bytes of base64');
    const tagBytes = typeof tag === 'string' ? decodeBase64(tag) : undefined;
    if (tagBytes?.length !== TAG_BYTES) {
      throw new Error('sealed cards: tag must be 16 bytes of base64');
    }
    const dataBytes = typeof data === 'string' ? decodeBase64(data) : undefined;
    if (dataBytes === undefined) throw new Error('sealed cards: data must be base64');
    const key = this.#keys.get(kid);
    if (key === undefined) throw new Error(`card key "${kid}" is not configured`);

    let plaintext: string;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, ivBytes, {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(tagBytes);
      plaintext = Buffer.concat([decipher.update(dataBytes), decipher.final()]).toString('utf8');
    } catch {
      throw new Error(CANNOT_OPEN);
    }
    try {
      return JSON.parse(plaintext) as unknown;
    } catch {
      throw new Error(CANNOT_OPEN);
    }
  }

  toJSON(): { activeKeyId: string; keyIds: string[] } {
    return { activeKeyId: this.#active, keyIds: this.keyIds };
  }

  [inspect.custom](): string {
    return `CardKeyring { activeKeyId: ${this.#active}, keyIds: [${this.keyIds.join(', ')}] }`;
  }
}
