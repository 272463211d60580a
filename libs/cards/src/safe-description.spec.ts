import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { safeDescription } from './safe-description';

const PAN = '4111111111111111';
const MASKED = '411111******1111';

describe('safeDescription', () => {
  it('masks PANs in an integration error, alone, grouped or quoted', () => {
    assert.equal(
      safeDescription(`POS refused card ${PAN}: expired`, 500),
      `POS refused card ${MASKED}: expired`,
    );
    assert.equal(
      safeDescription('body {"card":{"number":"4111 1111 1111 1111","exp":"12/29"}}', 500),
      `body {"card":{"number":"${MASKED}","exp":"12/29"}}`,
    );
    assert.equal(
      safeDescription('amex 3782-822463-10005 and visa 4580458045804580', 500),
      'amex 378282*****0005 and visa 458045******4580',
    );
  });

  it('removes a security code written beside its name, and leaves other short numbers', () => {
    const text =
      'rejected {"csc":"739"} cvv=1234 CVC2: 555 security code 321 securityCode: 987 ' +
      'for order 8830975305376234, table 12, total 1234';
    assert.equal(
      safeDescription(text, 500),
      'rejected {"csc":"[redacted]"} cvv=[redacted] CVC2: [redacted] security code [redacted] ' +
        'securityCode: [redacted] for order 8830975305376234, table 12, total 1234',
    );
  });

  it('removes a code named in the ways code and people write one', () => {
    for (const text of [
      '{"cvvNumber":"123"}',
      '{"cvv" : "123"}',
      "'cvv' => '123'",
      'CVV number: 123',
      'security code is 123',
      'cvv2Value=123',
      'cvc_number: 123',
      'ccv 123',
      'cvv:       123',
      'cardcvv: 123',
      'mycvv=123',
      'CVV: 1 2 3',
      'cvv: 1-2-3',
      'security  code: 123',
      'cvv code number: 123',
      'cvv nr 123',
      'card verification value: 123',
      'CVV:<b>123</b>',
      'c\u200bvv: 123',
      'cvv: 1\u200b23',
      'c.v.v. 123',
      'C V V: 123',
      'c.v.c.2 123',
      // Cyrillic с and Greek ν, which show as Latin letters.
      '\u0441vv: 123',
      'cv\u03bd 123',
      '\u0421VV 123',
      'card verification: 123',
      'security.code 123',
      'the cvv on the back is 123',
      'CVV (back of card): 123',
      'CVV for this card is 123',
      'cvv on the back of the card 123',
      'sec. code: 123',
      'cvv 1.2.3',
      'Código de seguridad: 123',
      'Prüfnummer: 123',
      'Pru\u0308fnummer: 123',
    ]) {
      assert.doesNotMatch(safeDescription(text, 500), /123/, text);
    }
  });

  it("removes a holder's id written beside its name", () => {
    for (const text of [
      'holder id: 031234567',
      'cardholder ID number 031 234 567',
      '{"cardHolderId":"031234567"}',
      "holder's national id is 031-234-567",
      'holder_id=031234567',
    ]) {
      assert.doesNotMatch(safeDescription(text, 500), /031|567/, text);
    }
    assert.equal(safeDescription('holder of table 12', 500), 'holder of table 12');
    assert.equal(safeDescription('placeholder id: 12345', 500), 'placeholder id: 12345');
    assert.equal(
      safeDescription('cvv not needed, table 12 for 4 at 1930', 500),
      'cvv not needed, table 12 for 4 at 1930',
    );
  });

  it('removes a code named in camel case, and leaves a word that ends as a name does', () => {
    assert.equal(
      safeDescription('{"cardCvv":"123"} to Placid 2024, ACID 123, a\u0441id 123, CID 9876', 500),
      '{"cardCvv":"[redacted]"} to Placid 2024, ACID 123, a\u0441id 123, CID [redacted]',
    );
  });

  it('keeps a text within the bound as it is', () => {
    const text = 'the POS is closed for the night';
    assert.equal(safeDescription(text, text.length), text);
  });

  it('cuts a long text to the bound, saying how long it was', () => {
    const text = `${'x'.repeat(5_000)}`;
    const safe = safeDescription(text, 1_000);
    assert.equal(safe.length, 1_000);
    assert.match(safe, /^x+… \[cut, 5000 characters in all\]$/);
  });

  it('never leaves a PAN in clear where the cut falls', () => {
    for (let at = 960; at < 1_080; at++) {
      const text = `${'x'.repeat(at)} 4111 1111 1111 1111 ${PAN} ${'y'.repeat(2_000)}`;
      const safe = safeDescription(text, 1_000);
      assert.ok(safe.length <= 1_000);
      assert.doesNotMatch(safe, /\d{7}/, `cut at ${at}: ${safe.slice(-80)}`);
      assert.doesNotMatch(safe.replace(/\D/g, ''), /4111111111/, `cut at ${at}`);
    }
  });

  it('masks the card the cut splits, however much masking shortened the text before it', () => {
    // Each card written with wide separators is 15 characters shorter masked: the kept part
    // reaches past where the text was first cut.
    const wide = '4111 - 1111 - 1111 - 1111';
    for (let at = 1_000; at < 1_200; at++) {
      const cards = `card ${wide} `.repeat(30);
      const text = `${cards}${'x'.repeat(at - cards.length)} 5500 0000 0000 0004 ${'y'.repeat(2_000)}`;
      const safe = safeDescription(text, 1_000);
      assert.ok(safe.length <= 1_000);
      const shown = safe.replace(/\d{6}\*{6}\d{4}/g, '#').replace(/[^\d#]/g, '');
      assert.doesNotMatch(shown, /\d{7}/, `cut at ${at}: ${safe.slice(-80)}`);
    }
    for (let at = 1_000; at < 1_200; at++) {
      const cards = `card ${wide} `.repeat(30);
      const text = `${cards}${'x'.repeat(at - cards.length)} cvv 123 ${'y'.repeat(2_000)}`;
      assert.doesNotMatch(safeDescription(text, 1_000), /cvv \d|\b123\b/, `cut at ${at}`);
    }
  });

  it('bounds a 1 MB description full of PANs quickly', () => {
    const text = `card ${PAN} csc 123; `.repeat(40_000).slice(0, 1024 * 1024);
    const started = performance.now();
    const safe = safeDescription(text, 4_000);
    assert.ok(performance.now() - started < 50, 'reads only what it keeps');
    assert.equal(safe.length, 4_000);
    assert.ok(!safe.includes(PAN));
    assert.doesNotMatch(safe, /csc 123/);
    assert.match(safe, /… \[cut, 1048576 characters in all\]$/);
  });

  it('cuts neither a character in half nor below the marker', () => {
    const safe = safeDescription('🍕'.repeat(1_000), 101);
    assert.ok(safe.length <= 101);
    assert.doesNotMatch(safe, /[\ud800-\udbff](?![\udc00-\udfff])/);
    assert.equal(safeDescription('x'.repeat(100), 5).length, 5);
  });
});
