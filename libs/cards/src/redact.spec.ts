import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { luhnValid } from './pan';
import { asciiDigits, redactCardText, redactText, redactUrlText } from './card-text';
import { TooMuchText, maskOrder, orderJsonWithoutCards } from './order-masking';
import { redact } from './redact';

const PAN = '4111111111111111';
const MASKED = '411111******1111';
/** A Wix-style 16-digit order id that fails Luhn, so it is not a card number. */
const ORDER_ID = '8830975305376234';

describe('redactText', () => {
  it('masks a PAN inside a sentence', () => {
    assert.equal(
      redactText(`charge failed for card ${PAN}, retrying`),
      `charge failed for card ${MASKED}, retrying`,
    );
  });

  it('masks PANs grouped by spaces or dashes', () => {
    assert.equal(redactText('card 4111 1111 1111 1111.'), `card ${MASKED}.`);
    assert.equal(redactText('card 4111-1111-1111-1111'), `card ${MASKED}`);
    assert.equal(redactText('amex 3782 822463 10005'), 'amex 378282*****0005');
    assert.equal(redactText(`pan=${PAN}&x=1`), `pan=${MASKED}&x=1`);
    assert.equal(redactText(`"${PAN}"`), `"${MASKED}"`);
  });

  it('masks a card in groups parted by HTML spaces, and leaves other entities alone', () => {
    assert.equal(
      redactText('card 4111&nbsp;1111&nbsp;1111&nbsp;1111 thanks'),
      `card ${MASKED} thanks`,
    );
    assert.equal(redactText('card 4111&#160;1111&#xA0;1111&#32;1111'), `card ${MASKED}`);
    assert.equal(
      redactText('tea &amp; cake for 4&nbsp;people'),
      'tea &amp; cake for 4&nbsp;people',
    );
  });

  it('finds a grouped PAN next to other digit groups', () => {
    assert.equal(redactText('order 12345 4111 1111 1111 1111'), `order 12345 ${MASKED}`);
    assert.equal(redactText('4111 1111 1111 1111 2026-05-15'), `${MASKED} 2026-05-15`);
  });

  it('leaves ids, timestamps and other digits that are not cards alone', () => {
    assert.equal(luhnValid(ORDER_ID), false);
    const kept = [
      `order ${ORDER_ID} accepted`,
      'created 1795000200000',
      'at 2026-05-15T12:00:00.000Z',
      'phone +39 06 1234 5678',
      'bad card 4111111111111112',
      'two phones 054-123-4567 / 054-765-4321',
      'prices 12.50, 13.75',
      '',
    ];
    for (const text of kept) assert.equal(redactText(text), text);
  });

  it('masks PANs written with other separators, or in full-width digits', () => {
    for (const written of [
      '4111.1111.1111.1111',
      '4111_1111_1111_1111',
      '4111/1111/1111/1111',
      '4111\u00a01111\u00a01111\u00a01111',
      '4111\u202f1111\u20091111\u20071111',
      '4111 - 1111 - 1111 - 1111',
      '4111  1111  1111  1111',
      '４１１１１１１１１１１１１１１１',
      '４１１１ １１１１ １１１１ １１１１',
      // Tight separators of more than one kind: a slip of the hand, or a spacing accent.
      '4111-1111 1111 1111',
      '4111.1111 1111-1111',
      '4111/1111-1111\u00a01111',
      '4111\u00b41111 1111 1111',
      '4111- 1111-1111-1111',
      '4111-\n1111-1111-1111',
      '4111--1111-1111-1111',
      '4111...1111 1111 1111',
    ]) {
      assert.equal(redactText(`card ${written} ok`), `card ${MASKED} ok`, written);
    }
  });

  it('masks a card spread out in other layouts, and a list of numbers so written stays', () => {
    for (const [written, masked] of [
      ['4111 111111111111', MASKED],
      ['411111111111 1111', MASKED],
      ['411111 1111111111', MASKED],
      ['4111-1111-11111111', MASKED],
      ['4111.111111.111111', MASKED],
      ['4111\n111111111111', MASKED],
      ['37828 22463 10005', '378282*****0005'],
      ['3782 82246 310005', '378282*****0005'],
      // A card and its expiry: the groups of 1 or 2 digits after it are no part of it.
      ['4111 111111111111 12/27', `${MASKED} 12/27`],
      ['4111-111111111111 - 12 27', `${MASKED} - 12 27`],
      // A security code after it, parted the same way: the card's digits masked whole.
      ['4111 111111111111 123', `${'*'.repeat(16)} 123`],
      ['123 4111 111111111111', `123 ${'*'.repeat(16)}`],
    ]) {
      assert.equal(redactText(`card ${written} ok`), `card ${masked} ok`, written);
    }
    for (const text of [
      // Two numbers of 7 digits or more on one line: two phone numbers, an id in two parts.
      '44851234 42308327',
      '4485123 423083270',
      // More than 5 groups parted alike: a list, whatever its digits.
      'codes 4111 111 111 111 111 1111',
      '054 123 4567 052 765 4321',
      // Groups of 3 digits, numbers before and after, halves longer than 6: phone numbers, a
      // phone number and a postcode.
      '+1 287 398 6539 18698524122',
      '07600 828742 07201 420801',
      '3982214810 08086',
      // Groups of 1 or 2 digits, or separators a list or a sum uses, mixed or spaced.
      '+49 151 7829 9611',
      '4111, 111111111111',
      '4111 / 111111111111',
    ]) {
      assert.equal(redactText(text), text);
    }
  });

  it('masks a card printed in fours and parted by `:` `+` `=` or `&`, or by many blanks', () => {
    for (const written of [
      '4111:1111:1111:1111',
      '4111+1111+1111+1111',
      '4111=1111=1111=1111',
      '4111&1111&1111&1111',
      '4111      1111      1111      1111',
      '4111\t\t\t\t\t\t\t1111\t\t\t\t\t\t\t1111\t\t\t\t\t\t\t1111',
    ]) {
      assert.equal(redactText(`card ${written} ok`), `card ${MASKED} ok`, written);
    }
    for (const text of [
      // More groups joined the same way: an address, a longer sum; or a time, a list.
      '4485:2757:4230:8327:1111',
      '1111+4485+2757+4230+8327',
      'at 20:30:15:12',
      'rooms 4485, 2757, 4230, 8327',
      '4485;2757;4230;8327',
    ]) {
      assert.equal(redactText(text), text);
    }
  });

  it('knows the networks of every region, and Visa numbers of 13 digits', () => {
    for (const [pan, masked] of [
      ['8600123456789012', '860012******9012'], // UzCard
      ['9860123456789015', '986012******9015'], // Humo
      ['9704123456789015', '970412******9015'], // NAPAS
      ['9704123456789012345', '970412*********2345'],
      ['9410123456789010', '941012******9010'], // BC Card
      ['3112345678901234564', '311234*********4564'], // China T-Union
      ['4222222222222', '422222***2222'], // Visa of 13 digits
      ['9360123456789010', '936012******9010'], // GPN
      ['2205123456789014', '220512******9014'], // Borica
      ['676112345670', '********5670'], // Maestro of 12 digits
      ['9051123456789014', '905112******9014'], // ArCa, and other national schemes
    ]) {
      assert.equal(redactText(`card ${pan} ok`), `card ${masked} ok`, pan);
    }
    // Among a card's own digits, or other digits, only a card's common lengths are looked for:
    // the first 13 digits of a Visa of 16 are no card of their own.
    assert.equal(redactText('4469 2492 9273 7300'), '446924******7300');
  });

  it('masks a card written in groups, and nothing around it', () => {
    assert.equal(redactText('Room 5445: 4469 2492 9273 7300'), 'Room 5445: 446924******7300');
    // Numbers that pass for a card with the card's first groups, or with a code after it: all
    // of it is masked, as no one can tell where the card is.
    assert.equal(redactText('Room 5423 4525 4096 8212 5811'), `Room ${'*'.repeat(20)}`);
    // 5027 6282 4410 8878 5 passes too, a card with 333 glued on: all of it.
    assert.equal(redactText('Ref 5027 6282 4410 8878 5333 5996'), `Ref ${'*'.repeat(24)}`);
    assert.equal(redactText('card 4841 0956 9012 9916 687'), `card ${'*'.repeat(19)}`);
    const filler = '4857\u31648594\u31646231\u31645867';
    assert.equal(redactText(`card ${filler}`), 'card 485785******5867');
    // A run of hundreds of groups and no letter, or a string of megabytes: its digits masked
    // whole, at once.
    const run = '5'.padEnd(2_000, ' 0');
    assert.equal(redactText(run), run.replace(/\d/g, '*'));
    const long = `${PAN} `.repeat(500_000);
    const started = performance.now();
    assert.equal(redactText(long), long.replace(/\d/g, '*'));
    // About 1 s here alone: the bound leaves room for a busy machine under coverage, and still
    // fails anything worse than linear, which would take hours.
    assert.ok(performance.now() - started < 10_000, 'masked in time');
    const emoji =
      'card 4553\u{1F4B3}\u{1F4B3}\u{1F4B3}3936\u{1F4B3}\u{1F4B3}\u{1F4B3}1236\u{1F4B3}\u{1F4B3}\u{1F4B3}1156';
    assert.equal(redactText(emoji), 'card 455339******1156');
    assert.equal(
      redactText('Call 0813-5750-0998 - 0852-5284-6937'),
      'Call 0813-5750-0998 - 0852-5284-6937',
    );
    const circled = Array.from(PAN, (d) => String.fromCharCode(0x2460 + Number(d) - 1)).join('');
    assert.equal(redactText(`card ${circled}`), `card ${MASKED}`);
  });

  it('masks a card read out in pairs or threes, or copied in two halves', () => {
    for (const text of [
      '40 12 88 88 88 88 18 81',
      '401 288 888 888 188 1',
      '4012 8888\n8888 1881',
      '40128888\n88881881',
      '40.12.88.88.88.88.18.81',
    ]) {
      assert.equal(redactText(`card ${text} please`), 'card 401288******1881 please', text);
    }
    // From where its run, or its separator, starts: what follows may be an expiry or a code,
    // and where it is parted the same way, no one can tell where the card ends.
    assert.equal(redactText('table 7: 40 12 88 88 88 88 18 81'), 'table 7: 401288******1881');
    assert.equal(redactText('40 12 88 88 88 88 18 81 12/27'), `${'*'.repeat(16)} 12/27`);
    assert.equal(redactText('401 288 888 888 188 1 12/27 123'), `${'*'.repeat(16)} 12/27 123`);
    // Apart by a wide gap from a number before or after them: a gap is not a space.
    assert.equal(
      redactText('Room 12      40 12 88 88 88 88 18 81'),
      'Room 12      401288******1881',
    );
    assert.equal(
      redactText('Tel 0412 345 678      40128888\n88881881'),
      'Tel 0412 345 678      401288******1881',
    );
    // Cards of 13 and 19 digits too.
    assert.equal(redactText('42 22 22 22 22 22 2'), '422222***2222');
    assert.equal(redactText('970 412 345 678 901 234 5'), '970412*********2345');
    // Lists of small numbers read out so, whose digits do not pass for a card, stay; so do
    // digits that would pass but start after others parted alike, no card's length in pairs or
    // threes (two mobile numbers), or halves of 8 on one line (two phone numbers, an id in two
    // parts).
    for (const text of [
      'sizes 38 40 42 44 46 48 50 52',
      'numbers 04 11 23 35 41 47 12 09',
      'tables 12 14 16 18 20 22 24 26 28',
      'from 20261203 to 20261204',
      'card 12 40 12 88 88 88 88 18 81',
      '616 979 510 610 211 961',
      '40128888 88881881',
      '40128888-88881881',
      '40128888 / 88881881',
      '40 12 88 88.88 88 18 81',
    ]) {
      assert.equal(redactText(text), text);
    }
  });

  it('leaves phone numbers, dates and times of the same lengths alone', () => {
    for (const text of [
      '+390697271299',
      '+49 151 7829 9611',
      '0044 20 7391 9619',
      'Ring +491517829961 at the door',
      'Please deliver at 2025-10-02 01:07:34, call me',
      'call 054-123-4567 / 054-765-4321',
      '+62 812 3456 7890',
      '+1 (212) 555-0100',
      '50.1771, 14.4299',
      '+39 332 063 3752, 20:30',
      '+36 20 235 3062 / +36 30 883 1317',
      '(212) 623-1961 / (646) 621-0829',
      '30/06/2025 08:00:31',
      '50.50 + 97.79 + 84.72',
      'rooms 5062, 6238, 5673, 6440',
      '0151 6277 8205 - 0176 8125 5882',
      'tables 66, 62, 67, 54, 47, 46, 52, 58',
      // Two numbers side by side, though their digits pass for a card: set apart by spaced
      // punctuation, by a list's in another script, or each with a separator of its own.
      'call 4412 3456 / 4456 7805',
      'tlf 4109 8992/4092 6912',
      '\u96fb\u8a71 5198 5729\uff0c6472 9866',
      // A digit at a time, mixed: versions, scores.
      'fixed in 5.0.1 5.0.2 5.1.0 5.1.1',
    ]) {
      assert.equal(redactText(text), text);
    }
  });

  it('masks several PANs in one string', () => {
    assert.equal(
      redactText(`${PAN} and 4580458045804580 and 378282246310005`),
      `${MASKED} and 458045******4580 and 378282*****0005`,
    );
  });
});

describe('redact', () => {
  it('replaces a nested cards object whole', () => {
    const payload = {
      menu: { items: [] },
      order: { id: ORDER_ID, payments: [{ type: 'credit', cardToken: { token: 't' } }] },
      cards: { t: { number: PAN, csc: '739' } },
    };
    assert.deepEqual(redact({ body: payload }), {
      body: { ...payload, cards: '[redacted]' },
    });
    assert.deepEqual(payload.cards, { t: { number: PAN, csc: '739' } });
  });

  it('replaces card-data keys whatever their case', () => {
    const redacted = redact({
      csc: '739',
      CVV: 123,
      Cvc: '123',
      cvv2: '123',
      securityCode: '123',
      holderId: 'ID-1',
      PAN: PAN,
      cardNumber: 'x',
      Cards: [],
      nested: [{ additionalFields: { csc: '739', holderName: 'Giulia' } }],
      missing: { csc: undefined, cvv: null },
    });
    assert.deepEqual(redacted, {
      csc: '[redacted]',
      CVV: '[redacted]',
      Cvc: '[redacted]',
      cvv2: '[redacted]',
      securityCode: '[redacted]',
      holderId: '[redacted]',
      PAN: '[redacted]',
      cardNumber: '[redacted]',
      Cards: '[redacted]',
      nested: [{ additionalFields: { csc: '[redacted]', holderName: 'Giulia' } }],
      missing: { csc: undefined, cvv: null },
    });
  });

  it('keeps the ids operators grep for, even one that passes Luhn, and masks it elsewhere', () => {
    const luhnId = '4916338506082832';
    assert.ok(luhnValid(luhnId));
    assert.deepEqual(
      redact({ event: 'order.in_doubt', wixOrderId: luhnId, restaurantId: luhnId, note: luhnId }),
      {
        event: 'order.in_doubt',
        wixOrderId: luhnId,
        restaurantId: luhnId,
        note: '491633******2832',
      },
    );
    assert.deepEqual(redact({ wixOrderId: { cards: 'x' } }), {
      wixOrderId: { cards: '[redacted]' },
    });
    // Not as Wix writes ids: a card as people write one, in groups or beside a space.
    assert.deepEqual(
      redact({ wixOrderId: `${luhnId} `, restaurantId: '4916-3385-0608-2832', key: 'wix:a:1' }),
      { wixOrderId: '491633******2832 ', restaurantId: '491633******2832', key: 'wix:a:1' },
    );
  });

  it('masks a "number" that looks like a PAN, even one failing Luhn, and keeps house numbers', () => {
    assert.deepEqual(
      redact({
        card: { number: '4111111111111112' },
        grouped: { number: '4111 1111 1111 1111' },
        numeric: { number: 123456789012345 },
        address: { street: 'Via Roma', number: '1' },
        note: { number: `see ${PAN}` },
      }),
      {
        card: { number: '411111******1112' },
        grouped: { number: MASKED },
        numeric: { number: '123456*****2345' },
        address: { street: 'Via Roma', number: '1' },
        note: { number: `see ${MASKED}` },
      },
    );
  });

  it('masks PANs in every string, including arrays and keys', () => {
    assert.deepEqual(redact(['ok', `card ${PAN}`, { [PAN]: 'by pan', list: [[`x${PAN}`]] }]), [
      'ok',
      `card ${MASKED}`,
      { [MASKED]: 'by pan', list: [[`x${MASKED}`]] },
    ]);
  });

  it('leaves non-card content intact', () => {
    const line = {
      level: 'info',
      orderId: ORDER_ID,
      created: 1795000200000,
      at: new Date('2026-05-15T12:00:00Z'),
      ok: true,
      nothing: null,
      count: 3,
    };
    assert.deepEqual(redact(line), line);
  });

  it('turns errors into redacted plain objects', () => {
    const error = new TypeError(`card ${PAN} declined`);
    Object.assign(error, { code: 'DECLINED', detail: `Key (pan)=(${PAN}) exists` });
    (error as Error & { cause?: unknown }).cause = new Error(`upstream said ${PAN}`);
    const redacted = redact({ error }) as { error: Record<string, unknown> };
    assert.equal(redacted.error.name, 'TypeError');
    assert.equal(redacted.error.message, `card ${MASKED} declined`);
    assert.equal(redacted.error.code, 'DECLINED');
    assert.equal(redacted.error.detail, `Key (pan)=(${MASKED}) exists`);
    assert.match(String(redacted.error.stack), /^TypeError: card 411111\*{6}1111 declined\n/);
    assert.deepEqual(
      (redacted.error.cause as Record<string, unknown>).message,
      `upstream said ${MASKED}`,
    );
    assert.doesNotMatch(JSON.stringify(redacted), new RegExp(PAN));
  });

  it("removes a named security code from an error's message and stack", () => {
    const redacted = redact(new Error('POS said: cvv 123 wrong')) as Record<string, unknown>;
    assert.equal(redacted.message, 'POS said: cvv [redacted] wrong');
    assert.doesNotMatch(String(redacted.stack), /123/);
  });

  it('takes keys that name a security code in other ways, or as shown, for card data', () => {
    for (const key of [
      'cardCode',
      'card_code',
      'cv2',
      'cvdCode',
      'secCode',
      'c\u200bvv',
      'ｃｖｖ',
      'c\u3164vv',
      'P\u2800A\u0640N',
      'c\u00b4vv',
      'pa\u00a8n',
      'c\u0301vv',
      'card_verification',
      'security.code',
      '\u0441vv',
      'cardholderIdNumber',
      'cardSecurity',
      'kartennummer',
      'numero_tarjeta',
      'holder_national_id',
      'ccNumber',
      'creditCardNo',
      'primaryAccountNumber',
    ]) {
      assert.deepEqual(redact({ [key]: 123 }), { [key]: '[redacted]' }, key);
    }
    const kept = {
      holderName: 'Jane Roe',
      lastDigits: '1111',
      cardNumberLast4: '1111',
      placeholderId: '12345678',
      shareholderId: '12345678',
    };
    assert.deepEqual(redact(kept), kept);
  });

  it('removes a named security code from a key', () => {
    assert.deepEqual(Object.keys(redact({ 'cvv 123': 1 }) as object), ['cvv [redacted]']);
    assert.deepEqual(maskOrder({ prices: { 'cvv: 123': 2 } }), {
      prices: { 'cvv: [redacted]': '[redacted]' },
    });
  });

  it('masks a BigInt that holds a card number, under any key', () => {
    assert.deepEqual(redact({ amount: BigInt(PAN), count: BigInt(12) }), {
      amount: MASKED,
      count: BigInt(12),
    });
  });

  it('marks cycles and keeps shared references that are not cycles', () => {
    const node: Record<string, unknown> = { name: 'root', pan: PAN };
    node.self = node;
    node.children = [{ parent: node }];
    const shared = { note: `card ${PAN}` };
    assert.deepEqual(redact(node), {
      name: 'root',
      pan: '[redacted]',
      self: '[circular]',
      children: [{ parent: '[circular]' }],
    });
    assert.deepEqual(redact({ a: shared, b: shared }), {
      a: { note: `card ${MASKED}` },
      b: { note: `card ${MASKED}` },
    });
    const error = new Error('loop') as Error & { cause?: unknown };
    error.cause = error;
    assert.equal((redact(error) as Record<string, unknown>).cause, '[circular]');
  });

  it('stops at depth 20', () => {
    const deep: Record<string, unknown> = { text: PAN };
    let cursor = deep;
    for (let i = 0; i < 30; i++) {
      const next: Record<string, unknown> = { text: PAN };
      cursor.child = next;
      cursor = next;
    }
    let out = redact(deep) as Record<string, unknown>;
    let levels = 0;
    while (typeof out.child === 'object') {
      assert.equal(out.text, MASKED);
      out = out.child as Record<string, unknown>;
      levels += 1;
    }
    assert.equal(levels, 19);
    assert.equal(out.child, '[deep]');
  });

  it('describes buffers instead of copying their bytes', () => {
    assert.deepEqual(redact({ body: Buffer.from(PAN), raw: new Uint8Array(3) }), {
      body: '[buffer 16 bytes]',
      raw: '[buffer 3 bytes]',
    });
  });

  it('copies maps and sets, redacting their contents', () => {
    const redacted = redact({
      m: new Map<unknown, unknown>([
        ['csc', '739'],
        ['note', PAN],
      ]),
      s: new Set([PAN]),
    }) as { m: Map<unknown, unknown>; s: Set<unknown> };
    assert.deepEqual(
      [...redacted.m],
      [
        ['csc', '[redacted]'],
        ['note', MASKED],
      ],
    );
    assert.deepEqual([...redacted.s], [MASKED]);
  });

  it('passes primitives through, redacting strings', () => {
    assert.equal(redact(42), 42);
    assert.equal(redact(undefined), undefined);
    assert.equal(redact(null), null);
    assert.equal(redact(PAN), MASKED);
    assert.equal(
      redact(() => PAN),
      '[function]',
    );
  });

  it('keeps an own "__proto__" key as data', () => {
    const input = JSON.parse(`{"__proto__": {"note": "${PAN}"}}`) as unknown;
    const out = redact(input) as Record<string, unknown>;
    assert.ok(Object.hasOwn(out, '__proto__'));
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.deepEqual(JSON.parse(JSON.stringify(out)), { ['__proto__']: { note: MASKED } });
  });
});

describe('redactText', () => {
  it('masks a run that holds a card number anywhere in it, whole', () => {
    // No one can tell where in a longer group the card lies: all of it is masked.
    assert.equal(redactText(`card ${PAN}123 exp`), `card ${'*'.repeat(19)} exp`);
    assert.equal(redactText(`tok0${PAN}`), `tok${'*'.repeat(17)}`);
    assert.equal(redactText(`${PAN} ${PAN}`), `${MASKED} ${MASKED}`);
    // However the run is cut, at most 6 + 4 of its digits show, none of the rest.
    assert.equal(redactText(`4916338506082832 ${PAN}`), `491633******2832 ${MASKED}`);
    for (const text of [`7${PAN}`, `${PAN}0429`, `99${PAN}99`]) {
      const masked = redactText(text);
      assert.ok((masked.match(/\d/g) ?? []).length <= 10, `${text} → ${masked}`);
      assert.equal(masked.length, text.length);
    }
    assert.equal(redactText('call 054 123 4567, 9 pm'), 'call 054 123 4567, 9 pm');
  });

  it('masks a grouped card whole when other digits are glued to its first or last group', () => {
    for (const [text, stars] of [
      ['card 4111 1111 1111 1111123 exp', 19],
      ['card 9994111-1111-1111-1111 exp', 19],
      ['card 884111 1111 1111 111177 exp', 20],
      ['amex 3782 822463 100059 exp', 16],
    ] as const) {
      assert.equal(redactText(text), text.replace(/\d[\d -]*\d/, '*'.repeat(stars)), text);
    }
    // Cards whose fourth group is short.
    for (const text of [
      '4528 3719 4620 583 7165',
      '4111 1111 1111 11 11',
      '4111-1111-1111-111-1',
    ]) {
      assert.match(redactText(text), /^\d{6}\*+\d{4}$/, text);
    }
    // A 19-digit card (4-4-4-4-3) or one written a digit at a time, with one digit glued on.
    for (const text of [
      '4528 3719 4620 5837 1659',
      '2200 1234 5678 9012 3419',
      '994 4 8 5 2 7 5 7 4 2 3 0 8 3 2 7',
      '4 4 8 5 2 7 5 7 4 2 3 0 8 3 2 799',
      '3714 4963 5398 4311',
    ]) {
      assert.doesNotMatch(redactText(text), /\d/, text);
    }
    // A phone number and an order number side by side stay.
    assert.equal(redactText('call 0541 2345 6789 12345'), 'call 0541 2345 6789 12345');
  });

  it('reads a card as it shows: an invisible character anywhere in it hides nothing', () => {
    for (const hidden of [
      '\u200b',
      '\u2060',
      '\ufeff',
      '\u00ad',
      '\u3164',
      '\u034f',
      '\u{e0020}',
    ]) {
      for (const text of [`4111${hidden}111111111111`, `44${hidden}85 2757 4230 8327`]) {
        assert.doesNotMatch(redactText(`card ${text} ok`), /\d{7}|2757/, JSON.stringify(text));
      }
    }
    const masked = maskOrder({ itemId: '4111\u200b111111111111', note: 'ｃ\u200bｖｖ: 123' });
    assert.deepEqual(masked, { itemId: MASKED, note: 'cvv: [redacted]' });
    // What is masked as sent stays masked when the shown form masks more.
    for (const text of [
      'card 4111 1111\u200b1111 1111 c\u200bvv 123',
      '3782 822463\u00ad10005 ｃｖｖ 1234',
      '4111\u33121111\u33121111\u33121111 c\u200bvv: 123',
    ]) {
      assert.doesNotMatch(redactCardText(text), /\d{7}|1111\D{1,3}1111|123/, JSON.stringify(text));
    }
    // Where masking as sent shows no more, the text keeps its invisible characters.
    assert.equal(redactText(`card\u200b${PAN}`), `card\u200b${MASKED}`);
  });

  it('reads markup and percent escapes as they show: entities, tags, escaped spaces', () => {
    for (const written of [
      '4111%201111%201111%201111',
      '4111%2D1111%2D1111%2D1111',
      '4111<br>1111<br>1111<br>1111',
      '<b>4111</b> <b>1111</b> <b>1111</b> <b>1111</b>',
      '4111&ensp;1111&thinsp;1111&#8201;1111',
      '4111&ndash;1111&ndash;1111&ndash;1111',
      Array.from(PAN, (d) => `&#${d.charCodeAt(0)};`).join(''),
      // Escaped twice, an entity without its `;`, a comment.
      '4111%25201111%25201111%25201111',
      '4111&amp;nbsp;1111&amp;nbsp;1111&amp;nbsp;1111',
      '4111&nbsp1111&nbsp1111&nbsp1111',
      '4111<!---->1111<!---->1111<!---->1111',
    ]) {
      // A tag reads as a space: `<b>4111</b> …` comes out with one before and after.
      const masked = redactText(`card ${written} ok`).replace(/ +/g, ' ');
      assert.equal(masked, `card ${MASKED} ok`, written);
    }
    assert.equal(
      redactCardText('https://pay.example/?card=4111%201111%201111%201111&cvv=123'),
      `https://pay.example/?card=${MASKED}&cvv=[redacted]`,
    );
    // No markup is made of escaped text, and no control character.
    assert.equal(
      redactText('&#60;b&#62; &#1; &#133; &#8238; 4111&nbsp;1111&nbsp;1111&nbsp;1111'),
      `&#60;b&#62; &#1; &#133; &#8238; ${MASKED}`,
    );
    assert.equal(
      redactText('%3Cimg%3E %1B[31m %253Cb%253E 4111&nbsp;1111&nbsp;1111&nbsp;1111'),
      `%3Cimg%3E %1B[31m %3Cb%3E ${MASKED}`,
    );
    // Nothing is decoded where nothing is masked by it.
    for (const text of ['fish &amp; chips, 50% off <b>12</b>', 'a%20b 4111', '&#52;&#50;']) {
      assert.equal(redactCardText(text), text);
    }
  });

  it('reads a keycap digit as the digit', () => {
    const keycaps = (digits: string) => Array.from(digits, (d) => `${d}\uFE0F\u20E3`).join('');
    const grouped = ['4111', '1111', '1111', '1111'].map(keycaps).join(' ');
    assert.equal(redactText(`card ${grouped} ok`), `card ${MASKED} ok`);
    assert.equal(redactText(`card ${keycaps(PAN)} ok`), `card ${MASKED} ok`);
    assert.equal(redactText(`card ${keycaps(PAN)} 12/27`), `card ${MASKED} 12/27`);
  });

  it('reads Ethiopic digits, which have no zero, as digits', () => {
    const ethiopic = Array.from(PAN, (d) => String.fromCharCode(0x1368 + Number(d))).join('');
    assert.equal(redactText(`card ${ethiopic} ok`), `card ${MASKED} ok`);
  });

  it('reads digits of any script as ASCII, and leaves anything else', () => {
    assert.equal(asciiDigits('４１\u0661\u0000x'), '411\u0000x');
  });

  it('reads `+` and `,` as spaces in text from a URL', () => {
    assert.equal(redactUrlText('4485+2757+4230+8327'), '448527******8327');
    assert.equal(redactUrlText('4485\ufffd275742308327'), '448527******8327');
    assert.equal(redactUrlText('4485,2757,4230,8327'), '448527******8327');
    assert.equal(redactUrlText('a+b,c 12'), 'a+b,c 12');
    assert.equal(redactUrlText('4485:2757:4230:8327'), '448527******8327');
  });

  it('reads digits of every script and any separator', () => {
    const arabic = Array.from(PAN, (d) => String.fromCharCode(0x660 + Number(d))).join('');
    const bold = Array.from(PAN, (d) => String.fromCodePoint(0x1d7ce + Number(d))).join('');
    for (const written of [
      arabic,
      bold,
      '4111\t1111\t1111\t1111',
      '4111\n1111\n1111\n1111',
      '(4111) 1111 1111 1111',
      '4111\u30001111\u30001111\u30001111',
      '4111\u22121111\u22121111\u22121111',
      '4111\u00bd1111\u00bd1111\u00bd1111',
      '4111\u216b1111\u216b1111\u216b1111',
      '\u2074\u00b9\u00b9\u00b9\u00b9\u00b9\u00b9\u00b9\u00b9\u00b9\u00b9\u00b9\u00b9\u00b9\u00b9\u00b9',
      Array.from(PAN).join('\u200b'),
    ]) {
      for (const masked of [redactText(`card ${written} ok`), redactText(`card ${written} ok`)]) {
        assert.match(masked, /^card \(?411111\*{6}1111 ok$/, written);
      }
    }
  });
});

describe('maskOrder', () => {
  /** Wix-style ids that pass Luhn: kept, as the workers map items by them. */
  const ITEM_ID = '6011645467251806';
  const order = () => ({
    menu: {
      items: [
        {
          id: ITEM_ID,
          externalIds: { pos: PAN },
          title: { en_US: 'Pizza' },
          variations: [{ itemIds: [ITEM_ID], prices: { [ITEM_ID]: 100 }, defaults: [ITEM_ID] }],
        },
      ],
    },
    order: {
      id: PAN,
      restaurantId: '4580458045804580',
      created: 1795000200000,
      comment: `my card is ${PAN.replace(/(\d{4})(?=\d)/g, '$1.')}, call me`,
      payments: [
        {
          type: 'credit',
          cardToken: { token: PAN, creditCard: { network: '4580 4580 4580 4580' } },
          csc: '739',
          additionalFields: { cvc2: '739', security_code: '739', cardHolderId: '0312' },
        },
      ],
      orderItems: [{ itemId: ITEM_ID, count: 1, variationsChoices: [[{ itemId: ITEM_ID }]] }],
      [PAN]: { number: '4580-4580-4580-4580' },
      extra: [Number(PAN), -Number(PAN), 378282246310005, 123456789012, 4111111111111111.5],
      exponent: [4.111111111111111e21, 4.111111111111111e-15, Number('4296927392502821896')],
      defaults: ['card 4111 1111 1111 1111', ITEM_ID],
      externalIds: { note: { comment: `card ${PAN}` } },
    },
  });

  it('masks card numbers in every value and key but the ids, and removes card-data keys', () => {
    const masked = maskOrder(order()) as ReturnType<typeof order>;
    assert.deepEqual(masked.menu, order().menu);
    assert.equal(masked.order.id, PAN);
    assert.equal(masked.order.restaurantId, '4580458045804580');
    assert.equal(masked.order.created, 1795000200000);
    assert.equal(masked.order.comment, `my card is ${MASKED}, call me`);
    assert.deepEqual(masked.order.payments[0], {
      type: 'credit',
      cardToken: { token: MASKED, creditCard: { network: '458045******4580' } },
      csc: '[redacted]',
      additionalFields: {
        cvc2: '[redacted]',
        security_code: '[redacted]',
        cardHolderId: '[redacted]',
      },
    });
    assert.deepEqual(masked.order.orderItems, order().order.orderItems);
    assert.deepEqual((masked.order as Record<string, unknown>)[MASKED], {
      number: '458045******4580',
    });
    assert.equal(PAN in masked.order, false);
    assert.deepEqual(masked.order.extra, [MASKED, MASKED, '378282*****0005', 123456789012, MASKED]);
    assert.deepEqual(masked.order.exponent, ['*'.repeat(22), MASKED, '*'.repeat(19)]);
    assert.deepEqual(masked.order.defaults, [`card ${MASKED}`, ITEM_ID]);
    assert.deepEqual(masked.order.externalIds, { note: { comment: `card ${MASKED}` } });
  });

  it('keeps both entries of two keys that mask alike', () => {
    const masked = maskOrder({ [PAN]: 1, '4111111000071111': 2, [MASKED]: 3, x: ` ${PAN}` });
    assert.deepEqual(masked, {
      [MASKED]: 1,
      [`${MASKED} (2)`]: 2,
      [`${MASKED} (3)`]: 3,
      x: ` ${MASKED}`,
    });
    assert.deepEqual(Object.keys(redact({ [PAN]: 1, '4111111000071111': 2 }) as object), [
      MASKED,
      `${MASKED} (2)`,
    ]);
  });

  it('removes card-data keys in the places for ids too', () => {
    const masked = maskOrder({
      externalIds: { pos: 'A-1', pan: PAN, cvv: '123' },
      prices: { [ITEM_ID]: 100, cvv: 123 },
    });
    assert.deepEqual(masked, {
      externalIds: { pos: 'A-1', pan: '[redacted]', cvv: '[redacted]' },
      prices: { [ITEM_ID]: 100, cvv: '[redacted]' },
    });
  });

  it('masks numbers a card reaches rounded, and security codes under any name', () => {
    const masked = maskOrder({
      amex: Number('374601656770933.99'),
      long: 34315134632872500,
      maestro: Number('675934449066.9999999'),
      // Prostir 9804123456789055, which a double rounds to …056.
      prostir: Number('9804123456789055'),
      cvvCode: '7319',
      cardCvv: '6624',
      'CVV code': '5518',
      cvc_code: 4471,
      comment: 'CVV: 123',
    }) as Record<string, unknown>;
    assert.deepEqual(masked, {
      amex: '*'.repeat(15),
      long: '*'.repeat(17),
      maestro: '*'.repeat(12),
      prostir: '*'.repeat(16),
      cvvCode: '[redacted]',
      cardCvv: '[redacted]',
      'CVV code': '[redacted]',
      cvc_code: '[redacted]',
      comment: 'CVV: [redacted]',
    });
    assert.deepEqual(redact({ comment: 'CVV: 123' }), { comment: 'CVV: [redacted]' });
  });

  it('keeps as sent only the ids the SPI names, and masks a card under any other …Id key', () => {
    const card = '4916422048441761';
    assert.ok(luhnValid(card));
    const masked = maskOrder({
      properties: { paymentId: card, user_id: card },
      user: { userId: card },
      externalIds: { crm: card },
      orderItems: [{ itemId: card }],
    });
    assert.deepEqual(masked, {
      properties: { paymentId: '491642******1761', user_id: '491642******1761' },
      user: { userId: '491642******1761' },
      externalIds: { crm: card },
      orderItems: [{ itemId: card }],
    });
    // Masked as text, not as ids: the order goes on.
    assert.equal(orderJsonWithoutCards({ user: { userId: card } }).maskedIds, 0);
  });

  it('keeps `id` as sent only where it names the order, an item, a charge or a section', () => {
    const card = '4916422048441761';
    const masked = maskOrder({
      menu: {
        items: [{ id: card, variations: [{ id: card, itemIds: [card] }] }],
        chargesV2: [{ id: card }],
        sections: [{ id: card, children: [{ id: card, children: [{ id: card }] }] }],
        properties: { id: card },
      },
      order: {
        id: card,
        user: { id: card },
        payments: [{ cardToken: { creditCard: { id: card } } }],
        orderItems: [{ itemId: card, id: card }],
      },
      id: card,
    });
    const shown = '491642******1761';
    assert.deepEqual(masked, {
      menu: {
        items: [{ id: card, variations: [{ id: shown, itemIds: [card] }] }],
        chargesV2: [{ id: card }],
        sections: [{ id: card, children: [{ id: card, children: [{ id: card }] }] }],
        properties: { id: shown },
      },
      order: {
        id: card,
        user: { id: shown },
        payments: [{ cardToken: { creditCard: { id: shown } } }],
        orderItems: [{ itemId: card, id: shown }],
      },
      id: shown,
    });
    // Masked as text, not as an id: the order goes on.
    assert.equal(orderJsonWithoutCards({ order: { user: { id: card } } }).maskedIds, 0);
    assert.equal(orderJsonWithoutCards({ order: { id: `card ${card}` } }).maskedIds, 1);
  });

  it('keeps in places for ids only what has no space, and masks numbers there', () => {
    const masked = maskOrder({
      noteIds: { 'card 4300 9524 0356 1930': 'x', plain: ITEM_ID },
      prices: { x: 4551281809619332, [ITEM_ID]: 100 },
      contactId: 'card\u200b4922\u200b8766\u200b8926\u200b3127',
      comment: 'Card 4149 1309 1401 9194 exp 04/30 cvv: 5827',
      latLng: { lat: 50.42244143885431, lng: 30.52345678901234 },
    });
    assert.deepEqual(masked, {
      noteIds: { 'card 430095******1930': 'x', plain: ITEM_ID },
      prices: { x: '455128******9332', [ITEM_ID]: 100 },
      contactId: 'card\u200b492287******3127',
      comment: 'Card 414913******9194 exp 04/30 cvv: [redacted]',
      latLng: { lat: 50.42244143885431, lng: 30.52345678901234 },
    });
  });

  it('gives the JSON of the masked order', () => {
    const { json } = orderJsonWithoutCards(order());
    assert.equal(json, JSON.stringify(maskOrder(order())));
    const ids = json.replaceAll(`"id":"${PAN}"`, '').replaceAll(`"pos":"${PAN}"`, '');
    assert.doesNotMatch(ids, /4111[^*]*1111[^*]*1111[^*]*1111|739/);
  });

  it('refuses an order with more text than it searches, at once, and searches the next', () => {
    const notes = Array.from({ length: 3_000 }, () => '4111 1111 1111 1111 x '.repeat(140));
    const started = performance.now();
    assert.throws(() => orderJsonWithoutCards({ order: { id: 'o1' }, notes }), TooMuchText);
    const tookMs = performance.now() - started;
    assert.ok(tookMs < 2_500, `searched for ${Math.round(tookMs)} ms`);
    const { json } = orderJsonWithoutCards({ order: { id: 'o1' }, notes: notes.slice(0, 10) });
    assert.doesNotMatch(json, /4111 1111/);
    // Text read again as it shows, here with its escapes decoded, counts again.
    const spaced = '4111 1111 1111 1112 x '.repeat(2_800);
    assert.doesNotThrow(() => orderJsonWithoutCards({ notes: [spaced, spaced] }));
    const escaped = spaced.replace(/ /g, '%20');
    assert.throws(() => orderJsonWithoutCards({ notes: [escaped, escaped] }), TooMuchText);
    // Text with no digit costs no search, and counts for nothing.
    const words = Array.from({ length: 3_000 }, () => 'pizza '.repeat(700));
    assert.equal(orderJsonWithoutCards({ words }).maskedIds, 0);
  });

  it('searches text of the slowest kind in bounded time', () => {
    // Runs of 256 single digits, in full-width digits and with an HTML space (searched as sent,
    // as shown, and both again with the space read), drawn so that cards hide among them: a
    // quarter of what an order may hold.
    let seed = 1;
    const digit = () => {
      seed = (seed * 48_271) % 2_147_483_647;
      return String.fromCharCode(0xff10 + (seed % 10));
    };
    const run = () => Array.from({ length: 256 }, digit).join(' ');
    const note = `&nbsp;${Array.from({ length: 120 }, run).join(' x ')}`.slice(0, 60_000);
    const started = performance.now();
    const { json } = orderJsonWithoutCards({ order: { id: 'o1' }, note });
    const tookMs = performance.now() - started;
    // A guard against a search that grows out of bounds: about 0.3 s alone, cold.
    assert.ok(tookMs < 4_000, `searched for ${Math.round(tookMs)} ms`);
    assert.ok(json.includes('*'), 'no card found among the digits');
  });

  it('counts the ids it had to mask, and only those', () => {
    const maskedIds = (order: unknown) => orderJsonWithoutCards(order).maskedIds;
    const id = '4111111111111111';
    // Wix's ids are digits that may pass Luhn: kept, as are cards outside ids (masked, not ids).
    assert.equal(maskedIds({ order: { id, restaurantId: id, comment: '4111 1111 1111 1111' } }), 0);
    assert.equal(maskedIds({ order: { id: '4111 1111 1111 1111' } }), 1);
    const hidden = {
      order: {
        id: `\u200b${id}`,
        restaurantId: 'R 4111 1111 1111 1111',
        orderItems: [{ itemId: 'cvv: 123', variationsChoices: [[{ itemId: `${id} ` }]] }],
      },
      menu: { items: [{ id: 'x', externalIds: { '4111 1111 1111 1111': 'pos' } }] },
    };
    assert.equal(maskedIds(hidden), 5);
    assert.equal(maskedIds({ order: { id: 'o 1', restaurantId: 'two words' } }), 0);
    // A card in groups or in other digits is one; digits glued to a prefix, or a UUID, are not.
    assert.equal(maskedIds({ order: { id: '4024-9242-1012-2318' } }), 1);
    assert.equal(maskedIds({ order: { id: '\uff14\uff19\uff11\uff16338506082832' } }), 1);
    const glued = {
      id: 'PLU-4532015112830366',
      restaurantId: '6047c5e9-2b1f-4c4e-9d2a-1c3f5e7a9b0d',
    };
    assert.equal(maskedIds({ order: glued }), 0);
  });

  it('masks and counts alike the first time it meets a key and every time after', () => {
    const order = () => ({
      order: { id: 'o1', orderItems: [{ itemId: 'i1', note: 'x' }] },
      menu: {
        items: [
          { id: 'i1', prices: { i2: 100, cvv: 123, '4111 1111 1111 1111': 5 }, defaults: ['i2'] },
        ],
      },
      [`${PAN} `]: 'a card as a key',
      extra: { line2: 'kept', cvv: '123', [PAN]: 1 },
    });
    const first = orderJsonWithoutCards(order());
    assert.equal(first.maskedIds, 1);
    assert.doesNotMatch(first.json, /4111 1111 1111 1111|4111111111111111|"123"/);
    for (let i = 0; i < 3; i++) assert.deepEqual(orderJsonWithoutCards(order()), first);
    assert.match(first.json, /"line2":"kept"/);
    assert.match(first.json, /"i2":100/);
  });

  it('counts the text of keys it judged before towards its bound, as it did the first time', () => {
    // 1,100 keys of 250 characters with a digit: 275,000 characters searched, over the bound.
    const keys = Array.from(
      { length: 1_100 },
      (_, i) => `${i}${'k'.repeat(250 - String(i).length)}`,
    );
    const order = { notes: Object.fromEntries(keys.map((key) => [key, 'x'])) };
    assert.throws(() => orderJsonWithoutCards(order), TooMuchText);
    assert.throws(() => orderJsonWithoutCards(order), TooMuchText);
    const fewer = { notes: Object.fromEntries(keys.slice(0, 900).map((key) => [key, 'x'])) };
    assert.equal(orderJsonWithoutCards(fewer).json, JSON.stringify(fewer));
  });
});
