/** Word lists for menus and customers that read like a real restaurant's. */
export const dishNames = [
  'Margherita pizza',
  'Cheeseburger',
  'Caesar salad',
  'Pad thai',
  'Falafel wrap',
  'Chicken ramen',
  'Fish and chips',
  'Beef carpaccio',
  'Mushroom risotto',
  'Veggie burrito',
  'Lamb kebab',
  'Tuna poke bowl',
] as const;

export const dishStyles = ['Classic', 'Spicy', 'Smoked', 'Grilled', 'Vegan', 'House'] as const;

export interface ChoiceTemplate {
  title: string;
  choices: readonly string[];
  minNumAllowed: number;
  maxNumAllowed: number;
  /** Highest price of a choice, in minor units. */
  maxPrice: number;
}

/** The variations offered at each depth: a dish's, then a choice's, then a choice's choice's. */
export const choiceLevels: ReadonlyArray<readonly ChoiceTemplate[]> = [
  [
    {
      title: 'Size',
      choices: ['Small', 'Medium', 'Large'],
      minNumAllowed: 1,
      maxNumAllowed: 1,
      maxPrice: 400,
    },
    {
      title: 'Extras',
      choices: ['Cheese', 'Bacon', 'Avocado', 'Jalapeños', 'Mushrooms'],
      minNumAllowed: 0,
      maxNumAllowed: 3,
      maxPrice: 300,
    },
  ],
  [
    {
      title: 'Sauce',
      choices: ['Ketchup', 'Mayo', 'BBQ sauce', 'Garlic aioli'],
      minNumAllowed: 0,
      maxNumAllowed: 2,
      maxPrice: 100,
    },
  ],
  [
    {
      title: 'Amount',
      choices: ['Light', 'Regular', 'Extra'],
      minNumAllowed: 1,
      maxNumAllowed: 1,
      maxPrice: 50,
    },
  ],
];

export const firstNames = ['John', 'Giulia', 'Amir', 'Mei', 'Olga', 'Lucas', 'Fatima', 'Noa'];
export const lastNames = ['Doe', 'Bianchi', 'Cohen', 'Tanaka', 'Petrova', 'Silva', 'Haddad'];
