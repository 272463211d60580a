import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';
import { CardKeyring, SealedCards } from './card-keyring';

const CONTEXT = 'acme\n9912000000000042';
const CARDS = {
  card_token_1: { number: '4111111111111111', expiration: { year: 2029, month: 4 }, csc: '739' },
};

const K1 = CardKeyring.generate('k1');
const K2 = CardKeyring.generate('k2');

/** Flips one bit of a base64 field. */
function flip(base64: string): string {
  const bytes = Buffer.from(base64, 'base64');
  bytes[0] ^= 1;
  return bytes.toString('base64');
}

function material(spec: string): string[] {
  return spec.split(',').map((entry) => entry.slice(entry.indexOf(':') + 1));
}

describe('CardKeyring', () => {
  it('seals and opens a round trip', () => {
    const keyring = CardKeyring.parse(K1);
    const sealed = keyring.seal(CARDS, CONTEXT);
    assert.equal(sealed.v, 1);
    assert.equal(sealed.kid, 'k1');
    assert.equal(Buffer.from(sealed.iv, 'base64').length, 12);
    assert.equal(Buffer.from(sealed.tag, 'base64').length, 16);
    assert.doesNotMatch(JSON.stringify(sealed), /4111111111111111|739|Giulia/);
    assert.deepEqual(keyring.open(JSON.parse(JSON.stringify(sealed)), CONTEXT), CARDS);
  });

  it('seals and opens cards of several megabytes', () => {
    const keyring = CardKeyring.parse(K1);
    const large = { t: { ...CARDS.card_token_1, billingAddress: 'x'.repeat(8_000_000) } };
    assert.deepEqual(keyring.open(keyring.seal(large, CONTEXT), CONTEXT), large);
  });

  it('uses a fresh IV for every seal', () => {
    const keyring = CardKeyring.parse(K1);
    const a = keyring.seal(CARDS, CONTEXT);
    const b = keyring.seal(CARDS, CONTEXT);
    assert.notEqual(a.iv, b.iv);
    assert.notEqual(a.data, b.data);
  });

  it('seals with the first key and opens with any configured key', () => {
    const sealer = CardKeyring.parse(`${K2},${K1}`);
    assert.equal(sealer.activeKeyId, 'k2');
    assert.deepEqual(sealer.keyIds, ['k2', 'k1']);
    const sealed = sealer.seal(CARDS, CONTEXT);
    assert.equal(sealed.kid, 'k2');
    assert.deepEqual(CardKeyring.parse(`${K2},${K1}`).open(sealed, CONTEXT), CARDS);
    assert.deepEqual(CardKeyring.parse(`${K1},${K2}`).open(sealed, CONTEXT), CARDS);
    const old = CardKeyring.parse(K1).seal(CARDS, CONTEXT);
    assert.deepEqual(sealer.open(old, CONTEXT), CARDS);
  });

  it('refuses a blob whose key is not configured', () => {
    const sealed = CardKeyring.parse(K2).seal(CARDS, CONTEXT);
    assert.throws(() => CardKeyring.parse(K1).open(sealed, CONTEXT), {
      message: 'card key "k2" is not configured',
    });
  });

  it('refuses tampered data, tag or iv, and another order’s context', () => {
    const keyring = CardKeyring.parse(K1);
    const sealed = keyring.seal(CARDS, CONTEXT);
    const cannotOpen = {
      message: 'the card data cannot be opened (tampered, or sealed for another order)',
    };
    const variants: SealedCards[] = [
      { ...sealed, data: flip(sealed.data) },
      { ...sealed, tag: flip(sealed.tag) },
      { ...sealed, iv: flip(sealed.iv) },
    ];
    for (const variant of variants) assert.throws(() => keyring.open(variant, CONTEXT), cannotOpen);
    assert.throws(() => keyring.open(sealed, 'acme\n9912000000000043'), cannotOpen);
    assert.throws(() => keyring.open(sealed, 'other-brand\n9912000000000042'), cannotOpen);
    const sameIdOtherKey = CardKeyring.parse(CardKeyring.generate('k1'));
    assert.throws(() => sameIdOtherKey.open(sealed, CONTEXT), cannotOpen);
  });

  it('validates the envelope before decrypting', () => {
    const keyring = CardKeyring.parse(K1);
    const sealed = keyring.seal(CARDS, CONTEXT);
    const cases: [unknown, RegExp][] = [
      [null, /not an object/],
      ['sealed', /not an object/],
      [{ ...sealed, v: 2 }, /v must be 1/],
      [{ ...sealed, kid: 'bad kid' }, /kid must match/],
      [{ ...sealed, kid: undefined }, /kid must match/],
      [{ ...sealed, iv: randomBytes(16).toString('base64') }, /iv must be 12 bytes/],
      [{ ...sealed, iv: 'not base64!' }, /iv must be 12 bytes/],
      [{ ...sealed, tag: randomBytes(8).toString('base64') }, /tag must be 16 bytes/],
      [{ ...sealed, data: 42 }, /data must be base64/],
      [{ ...sealed, data: '***' }, /data must be base64/],
    ];
    for (const [envelope, message] of cases) {
      assert.throws(() => keyring.open(envelope, CONTEXT), { message }, JSON.stringify(envelope));
    }
  });

  it('refuses to seal what is not JSON', () => {
    const keyring = CardKeyring.parse(K1);
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    assert.throws(() => keyring.seal(undefined, CONTEXT), /cannot be sealed/);
    assert.throws(() => keyring.seal(circular, CONTEXT), /cannot be sealed/);
  });

  it('reports parse errors by position and key id, never with key material', () => {
    const short = `k3:${randomBytes(16).toString('base64')}`;
    const long = `k4:${randomBytes(33).toString('base64')}`;
    const cases: [string, RegExp][] = [
      ['', /none configured/],
      ['   ', /none configured/],
      [`${K1},`, /^card key #2: is empty$/],
      [`${K1},${material(K2)[0]}`, /^card key #2: expected "<kid>:<base64 of 32 bytes>"$/],
      [
        `bad kid:${material(K1)[0]}`,
        /^card key #1: the key id must match \[A-Za-z0-9\._-\]\{1,32\}$/,
      ],
      [`${'x'.repeat(33)}:${material(K1)[0]}`, /^card key #1: the key id must match/],
      [`:${material(K1)[0]}`, /^card key #1: the key id must match/],
      [`${K1},${K1}`, /^card key #2 \("k1"\): the key id is used twice$/],
      [`${K1},${short}`, /^card key #2 \("k3"\): the key must be the base64 of exactly 32 bytes$/],
      [`${long}`, /^card key #1 \("k4"\): the key must be the base64 of exactly 32 bytes$/],
      [`k5:${material(K1)[0].slice(1)}`, /^card key #1 \("k5"\): the key is not base64$/],
    ];
    for (const [spec, expected] of cases) {
      let message = '';
      assert.throws(
        () => CardKeyring.parse(spec),
        (error: unknown) => {
          message = error instanceof Error ? error.message : String(error);
          return error instanceof Error;
        },
      );
      assert.match(message, expected, spec);
      for (const secret of [
        ...material(K1),
        ...material(K2),
        ...material(short),
        ...material(long),
      ]) {
        assert.ok(!message.includes(secret), `key material in: ${message}`);
        assert.ok(!message.includes(secret.slice(0, 12)), `key material in: ${message}`);
      }
    }
  });

  it('accepts keys with surrounding spaces and ids of every allowed character', () => {
    const keyring = CardKeyring.parse(` ${CardKeyring.generate('2026-05.a_B')} , ${K1} `);
    assert.equal(keyring.activeKeyId, '2026-05.a_B');
    assert.deepEqual(keyring.keyIds, ['2026-05.a_B', 'k1']);
  });

  it('does not show key material when printed or serialized', () => {
    const keyring = CardKeyring.parse(`${K1},${K2}`);
    const shown = [inspect(keyring), JSON.stringify(keyring), inspect({ keyring }, { depth: 5 })];
    for (const text of shown) {
      for (const secret of [...material(K1), ...material(K2)]) assert.ok(!text.includes(secret));
    }
    assert.match(inspect(keyring), /k1, k2/);
  });

  it('generates a spec with a 32-byte key and checks the id', () => {
    const spec = CardKeyring.generate();
    assert.match(spec, /^k1:[A-Za-z0-9+/]{43}=$/);
    assert.equal(Buffer.from(material(spec)[0], 'base64').length, 32);
    assert.notEqual(CardKeyring.generate(), spec);
    assert.throws(() => CardKeyring.generate('no spaces'), /key id must match/);
  });
});
