import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeProblems, mapOrderItems, unofferedChoices } from './item-mapping';
import { PosIds } from './pos-ids';

const menu = [
  { id: 'pizza', externalIds: { pos: 'PZ-1' } },
  { id: 'cheese', externalIds: { pos: 'TOP-CH' } },
  { id: 'smoked', externalIds: { pos: 'CH-SM' } },
  { id: 'no-pos-id', externalIds: { other: 'X' } },
  { id: 'empty-pos-id', externalIds: { pos: '' } },
  { id: 'no-external-ids' },
];

describe('mapOrderItems', () => {
  it('maps lines and choices at every depth', () => {
    const result = mapOrderItems(
      [
        {
          itemId: 'pizza',
          count: 2,
          variationsChoices: [[{ itemId: 'cheese', variationsChoices: [[{ itemId: 'smoked' }]] }]],
        },
      ],
      menu,
      new PosIds('pos'),
    );
    assert.deepEqual(result, {
      ok: true,
      lines: [
        {
          itemId: 'pizza',
          posItemId: 'PZ-1',
          count: 2,
          choices: [
            [
              {
                itemId: 'cheese',
                posItemId: 'TOP-CH',
                count: 1,
                choices: [[{ itemId: 'smoked', posItemId: 'CH-SM', count: 1, choices: [] }]],
              },
            ],
          ],
        },
      ],
    });
  });

  it('reports every unmapped item with its path, not just the first', () => {
    const result = mapOrderItems(
      [
        { itemId: 'ghost' },
        {
          itemId: 'pizza',
          variationsChoices: [
            [],
            [{ itemId: 'cheese', variationsChoices: [[{ itemId: 'no-pos-id' }]] }],
          ],
        },
        { itemId: 'empty-pos-id' },
        { itemId: 'no-external-ids' },
      ],
      menu,
      new PosIds('pos'),
    );
    assert.equal(result.ok, false);
    assert.deepEqual(!result.ok && result.problems, [
      { path: 'order.orderItems[0]', itemId: 'ghost', reason: 'is not in the menu' },
      {
        path: 'order.orderItems[1].variationsChoices[1][0].variationsChoices[0][0]',
        itemId: 'no-pos-id',
        reason: 'has no POS id (no mapping-table row, no "pos" external id)',
      },
      {
        path: 'order.orderItems[2]',
        itemId: 'empty-pos-id',
        reason: 'has no POS id (no mapping-table row, no "pos" external id)',
      },
      {
        path: 'order.orderItems[3]',
        itemId: 'no-external-ids',
        reason: 'has no POS id (no mapping-table row, no "pos" external id)',
      },
    ]);
    assert.match(
      describeProblems(!result.ok ? result.problems : []),
      /^4 item\(s\) cannot be mapped.*ghost.*no-pos-id.*empty-pos-id.*no-external-ids/,
    );
  });

  it('lists the problems of a large unmapped order up to a few kilobytes, then counts the rest', () => {
    const lines = Array.from({ length: 2_000 }, (_, i) => ({ itemId: `item-${i}` }));
    const result = mapOrderItems(lines, [], new PosIds('pos'));
    const description = describeProblems(!result.ok ? result.problems : []);
    assert.ok(description.length < 2_200, `${description.length} characters`);
    assert.match(
      description,
      /^2000 item\(s\) cannot be mapped to the POS: order\.orderItems\[0\]: item item-0 .*; … and \d+ more$/,
    );
    const listed = description.split('; ').length - 1;
    assert.match(description, new RegExp(`… and ${2_000 - listed} more$`));
  });

  it('clips an absurdly long item id rather than let it fill the description', () => {
    const result = mapOrderItems([{ itemId: 'x'.repeat(1_000_000) }], [], new PosIds('pos'));
    const description = describeProblems(!result.ok ? result.problems : []);
    assert.ok(description.length < 400, `${description.length} characters`);
    assert.match(description, /^1 item\(s\) cannot be mapped to the POS: .*x…$/);
  });

  it('takes a blank POS id for none, refuses an over-long one, and an item listed twice with two ids', () => {
    const blanks = ['   ', '\t\n', '\u200b', '\u00a0', '\u3000'];
    const items = [
      ...blanks.map((pos, i) => ({ id: `blank-${i}`, externalIds: { pos } })),
      { id: 'long', externalIds: { pos: 'P'.repeat(257) } },
      { id: 'longest', externalIds: { pos: 'P'.repeat(256) } },
      { id: 'same', externalIds: { pos: 'S' } },
      { id: 'same', externalIds: { pos: 'S' }, title: { en_US: 'Again' } },
      { id: 'apart', externalIds: { pos: 'A-1' } },
      { id: 'apart', externalIds: { pos: 'A-2' } },
      { id: 'half', externalIds: { pos: 'H' } },
      { id: 'half' },
      { id: 'other-half' },
      { id: 'other-half', externalIds: { pos: 'O' } },
    ];
    const reasons = (lines: Array<{ itemId: string }>, posIds = new PosIds('pos')) => {
      const result = mapOrderItems(lines, items, posIds);
      return result.ok ? [] : result.problems.map((problem) => problem.reason);
    };
    for (const [i] of blanks.entries()) {
      assert.deepEqual(reasons([{ itemId: `blank-${i}` }]), [
        'has a blank "pos" external id, and no mapping-table row',
      ]);
    }
    assert.deepEqual(reasons([{ itemId: 'long' }]), [
      'has a POS id of 257 characters (at most 256)',
    ]);
    assert.deepEqual(reasons([{ itemId: 'longest' }, { itemId: 'same' }]), []);
    assert.deepEqual(reasons([{ itemId: 'apart' }]), [
      'is in the menu twice, with different POS ids',
    ]);
    // Where only one copy has a POS id, that copy is the item, first or last.
    const halves = mapOrderItems(
      [{ itemId: 'half' }, { itemId: 'other-half' }],
      items,
      new PosIds('pos'),
    );
    assert.deepEqual(halves.ok && halves.lines.map((line) => line.posItemId), ['H', 'O']);
    // A blank table row is no row: the menu's id maps the item.
    const blankRow = new PosIds('pos', new Map([['same', ' ']]));
    const mapped = mapOrderItems([{ itemId: 'same' }], items, blankRow);
    assert.equal(mapped.ok && mapped.lines[0]?.posItemId, 'S');
    assert.deepEqual(
      reasons([{ itemId: 'blank-0' }], new PosIds('pos', new Map([['blank-0', 'T']]))),
      [],
    );
  });

  it('reads the external id under the configured key', () => {
    const result = mapOrderItems([{ itemId: 'no-pos-id' }], menu, new PosIds('other'));
    assert.equal(result.ok && result.lines[0]?.posItemId, 'X');
  });

  it('prefers the mapping table over the menu, and maps items the menu leaves unmapped', () => {
    const table = new Map([
      ['pizza', 'TABLE-PZ'],
      ['no-external-ids', 'TABLE-NX'],
    ]);
    const result = mapOrderItems(
      [
        { itemId: 'pizza', variationsChoices: [[{ itemId: 'cheese' }]] },
        { itemId: 'no-external-ids' },
      ],
      menu,
      new PosIds('pos', table),
    );
    assert.ok(result.ok);
    assert.deepEqual(
      result.lines.map((line) => [line.posItemId, line.choices[0]?.[0]?.posItemId]),
      [
        ['TABLE-PZ', 'TOP-CH'],
        ['TABLE-NX', undefined],
      ],
    );
  });
});

describe('unofferedChoices', () => {
  const size = { title: { en_US: 'Size' }, itemIds: ['small', 'large'] };
  const extras = { title: { en_US: 'Extras' }, itemIds: ['cheese'] };
  const line = (
    choices: Array<Array<Record<string, unknown>>>,
    variations: unknown = [size, extras],
  ) => ({
    itemId: 'pizza',
    variations,
    variationsChoices: choices as Array<Array<{ itemId: string }>>,
  });

  it("takes the choices a line's variations offer, and lines that carry no variations", () => {
    assert.deepEqual(unofferedChoices([line([[{ itemId: 'large' }], [{ itemId: 'cheese' }]])]), []);
    // An empty group past the last variation chooses nothing.
    assert.deepEqual(unofferedChoices([line([[{ itemId: 'small' }], [], []])]), []);
    // No snapshot to check against, or a variation that lists no ids.
    assert.deepEqual(
      unofferedChoices([{ itemId: 'pizza', variationsChoices: [[{ itemId: 'any' }]] }]),
      [],
    );
    assert.deepEqual(unofferedChoices([line([[{ itemId: 'any' }]], [{ title: 'x' }, null])]), []);
  });

  it('finds a choice its variation does not list, and choices for a variation the line lacks, at any depth', () => {
    const nested = line([
      [
        { itemId: 'cola' },
        { itemId: 'large', variations: [extras], variationsChoices: [[{ itemId: 'ham' }]] },
      ],
      [],
      [{ itemId: 'cheese' }],
    ]);
    assert.deepEqual(unofferedChoices([{ itemId: 'soda' }, nested]), [
      {
        path: 'order.orderItems[1].variationsChoices[0][0]',
        itemId: 'cola',
        reason: 'is not a choice of variation 0 of item pizza',
      },
      {
        path: 'order.orderItems[1].variationsChoices[0][1].variationsChoices[0][0]',
        itemId: 'ham',
        reason: 'is not a choice of variation 0 of item large',
      },
      {
        path: 'order.orderItems[1].variationsChoices[2]',
        itemId: 'pizza',
        reason: 'has choices for a variation 2 it does not have (it has 2)',
      },
    ]);
    // An item chosen as its own choice is offered only if its variation lists it.
    assert.equal(unofferedChoices([line([[{ itemId: 'pizza' }]])]).length, 1);
    // An empty snapshot is read as none.
    assert.equal(unofferedChoices([line([[{ itemId: 'small' }]], [])]).length, 0);
  });
});
