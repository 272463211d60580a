import { Json, SpiBody, item, orderOf, wixId } from '../../../test/support/orders';

/** A menu whose items all carry POS ids, with choices three levels deep, and one unmapped item. */
const menu: Json[] = [
  item('burger', 'PLU-BURGER', [
    ['cheese', 'no-cheese'],
    ['fries', 'salad'],
  ]),
  item('cheese', 'MOD-CHEESE', [['smoked', 'mild']]),
  item('smoked', 'MOD-SMOKED', [['extra']]),
  item('extra', 'MOD-EXTRA'),
  item('mild', 'MOD-MILD'),
  item('no-cheese', 'MOD-NOCHEESE'),
  item('fries', 'SIDE-FRIES'),
  item('salad', 'SIDE-SALAD'),
  item('soda', 'DRINK-SODA'),
  item('unmapped-special'),
];

const burger: Json = {
  itemId: 'burger',
  count: 2,
  variationsChoices: [
    [
      {
        itemId: 'cheese',
        variationsChoices: [[{ itemId: 'smoked', variationsChoices: [[{ itemId: 'extra' }]] }]],
      },
    ],
    [{ itemId: 'fries' }],
  ],
};

/** An order every conforming POS takes: nested choices, a plain line. */
export function goodOrder(restaurantId = wixId()): SpiBody {
  return orderOf(menu, [burger, { itemId: 'soda', count: 3 }], restaurantId);
}

/** An order naming an item with no POS id anywhere. */
export function unmappedOrder(restaurantId = wixId()): SpiBody {
  return orderOf(menu, [{ itemId: 'soda' }, { itemId: 'unmapped-special' }], restaurantId);
}
