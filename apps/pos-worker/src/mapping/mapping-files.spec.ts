import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatMappings, parseMappings } from './mapping-files';

const rows = [
  { restaurantId: 'r1', wixItemId: '100', posItemId: 'PLU-1' },
  { restaurantId: 'r1', wixItemId: '101', posItemId: 'MOD "large", 12oz' },
];

describe('mapping files', () => {
  it('round-trips CSV and JSON', () => {
    for (const format of ['csv', 'json'] as const) {
      assert.deepEqual(parseMappings(formatMappings(rows, format), format), rows);
    }
    assert.equal(
      formatMappings(rows, 'csv'),
      'restaurant_id,wix_item_id,pos_item_id\nr1,100,PLU-1\nr1,101,"MOD ""large"", 12oz"\n',
    );
  });

  it('reads CSV columns in any order, with CRLF and blank lines', () => {
    const text = 'pos_item_id,restaurant_id,wix_item_id\r\nPLU-1,r1,100\r\n\r\n';
    assert.deepEqual(parseMappings(text, 'csv'), [rows[0]]);
  });

  it('names every bad row', () => {
    assert.throws(
      () => parseMappings('restaurant_id,wix_item_id,pos_item_id\nr1,100,\n,101,X\n', 'csv'),
      /line 2: posItemId is missing\n {2}line 3: restaurantId is missing/,
    );
    assert.throws(() => parseMappings('{"a":1}', 'json'), /expected a JSON array/);
    assert.throws(() => parseMappings('wix,pos\n1,2', 'csv'), /header must name/);
  });
});
