import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PosIds } from './pos-ids';
import { preflight } from './preflight';

const title = (en: string) => ({ en_US: en });

describe('preflight', () => {
  const menu = {
    items: [
      {
        id: 'burger',
        title: title('Burger'),
        externalIds: { pos: 'B' },
        variations: [{ title: title('Cheese'), itemIds: ['cheddar', 'ghost'] }],
      },
      {
        id: 'cheddar',
        title: title('Cheddar'),
        externalIds: { pos: 'C' },
        variations: [{ title: title('Aged'), itemIds: ['aged'] }],
      },
      {
        id: 'aged',
        title: title('Aged 24 months'),
        variations: [{ title: title('Smoke'), itemIds: ['smoked'] }],
      },
      { id: 'smoked', title: title('Smoked') },
      { id: 'loose', title: { he_IL: 'Falafel' } },
    ],
    sections: [
      { title: title('Dinner'), children: [{ title: title('Mains'), itemIds: ['burger'] }] },
    ],
  };

  it('lists every unmapped item and choice three levels deep, with titles and paths', () => {
    assert.deepEqual(
      preflight(menu, new PosIds('pos')).map(({ path, itemId, reason }) => [path, itemId, reason]),
      [
        [
          'Dinner > Mains > Burger > Cheese > Cheddar > Aged > Aged 24 months',
          'aged',
          'has no POS id (no mapping-table row, no "pos" external id)',
        ],
        [
          'Dinner > Mains > Burger > Cheese > Cheddar > Aged > Aged 24 months > Smoke > Smoked',
          'smoked',
          'has no POS id (no mapping-table row, no "pos" external id)',
        ],
        ['Dinner > Mains > Burger > Cheese > ghost', 'ghost', 'is not in the menu'],
        [
          '(no section) > Falafel',
          'loose',
          'has no POS id (no mapping-table row, no "pos" external id)',
        ],
      ],
    );
  });

  it('finds nothing to fix once the mapping table covers the rest', () => {
    const table = new Map([
      ['aged', 'A'],
      ['smoked', 'S'],
      ['loose', 'L'],
    ]);
    const left = preflight(menu, new PosIds('pos', table));
    assert.deepEqual(
      left.map((problem) => problem.itemId),
      ['ghost'],
    );
  });

  it('lists an item the menu holds twice with different POS ids', () => {
    const twice = {
      items: [
        { id: 'cola', title: title('Cola'), externalIds: { pos: 'C-1' } },
        { id: 'cola', title: title('Cola'), externalIds: { pos: 'C-2' } },
      ],
      sections: [{ title: title('Drinks'), itemIds: ['cola'] }],
    };
    assert.deepEqual(
      preflight(twice, new PosIds('pos')).map(({ path, reason }) => [path, reason]),
      [['Drinks > Cola', 'is in the menu twice, with different POS ids']],
    );
  });

  it('stops at a choice that contains itself', () => {
    const loop = {
      items: [{ id: 'a', variations: [{ itemIds: ['a'] }] }],
      sections: [{ itemIds: ['a'] }],
    };
    assert.deepEqual(
      preflight(loop, new PosIds('pos')).map((problem) => problem.path),
      ['section 1 > a', 'section 1 > a > variation 1 > a'],
    );
  });
});
