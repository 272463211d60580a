import { buildMenu, MenuNode } from '../apps/wix-simulator/src/menu-factory';
import { orderOf } from '../apps/wix-simulator/src/order-factory';
import { Draw } from '../apps/wix-simulator/src/random';
import { restaurantIds } from '../apps/wix-simulator/src/scenarios';

export interface WorkloadShape {
  /** Items on the menu, every one with a POS id; dishes with variations among them. */
  menuItems: number;
  /** Dishes with variations (two levels of choices) that orders are made of. */
  dishes: number;
  restaurants: number;
}

/** What a Wix menu item carries besides ids and prices: enough text for a realistic size. */
const DESCRIPTION =
  'Slow-cooked in house every morning with seasonal vegetables, fresh herbs from our garden ' +
  'and a splash of olive oil; served with bread. Ask your server about allergens: this dish ' +
  'may contain gluten, nuts, dairy, eggs, celery or mustard. Portions are generous and can ' +
  'be shared; ask for a smaller plate for children.';

/**
 * The orders of a benchmark: one menu, sent whole with every order as Wix does, and orders of
 * 3–6 lines with nested choices under fresh Wix ids, spread over restaurants.
 */
export class Workload {
  readonly menuJson: string;
  readonly menuItemCount: number;
  private readonly dishes: MenuNode[];
  private readonly restaurants: string[];
  private readonly draw = new Draw(Math.random);

  constructor(readonly shape: WorkloadShape) {
    const { menu, dishes } = buildMenu(
      { dishes: shape.dishes, unmapped: 0, depth: 2, posKey: 'pos', menuItems: shape.menuItems },
      this.draw,
    );
    for (const item of menu.items) item.description = { en_US: DESCRIPTION };
    this.menuJson = JSON.stringify(menu);
    this.menuItemCount = menu.items.length;
    this.dishes = dishes;
    this.restaurants = restaurantIds(shape.restaurants);
  }

  /** A new order, as JSON: 3–6 different dishes, for one of the restaurants. */
  order(): string {
    const left = [...this.dishes];
    const lines = this.draw.int(3, Math.min(6, left.length));
    const dishes = Array.from(
      { length: lines },
      () => left.splice(this.draw.int(0, left.length - 1), 1)[0],
    );
    return JSON.stringify(orderOf(dishes, this.draw.pick(this.restaurants), this.draw));
  }

  /** The request body of an order: the menu, as Wix sends it with every order, and the order. */
  body(orderJson: string): string {
    return `{"menu":${this.menuJson},"order":${orderJson}}`;
  }

  /** `count` orders made up front, so that making them costs nothing while the clock runs. */
  orders(count: number): string[] {
    return Array.from({ length: count }, () => this.order());
  }
}
