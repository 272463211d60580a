import type { Scenario } from './args';
import { ExampleName, exampleOrder, generatedOrder } from './order-factory';
import type { SpiRequest } from './wix-json';

export interface ScenarioContext {
  fixturesDir: string;
  restaurantIds: readonly string[];
  random?: () => number;
}

const examples: readonly ExampleName[] = ['order-takeout-cash', 'order-delivery-card'];

/** The body of the `index`-th order of a scenario; orders take the restaurants in turn. */
export function scenarioOrder(
  scenario: Scenario,
  index: number,
  context: ScenarioContext,
): SpiRequest {
  const restaurantId = context.restaurantIds[index % context.restaurantIds.length];
  const { random } = context;
  const lines = 1 + (index % 4);
  switch (scenario) {
    case 'examples': {
      const body = exampleOrder(
        examples[index % examples.length] ?? 'order-takeout-cash',
        context.fixturesDir,
      );
      if (restaurantId) body.order.restaurantId = restaurantId;
      return body;
    }
    case 'generated':
    case 'retries':
      return generatedOrder({ restaurantId, lines, random });
    case 'nested':
      return generatedOrder({ restaurantId, lines, depth: 3, random });
    case 'large-menu':
      return generatedOrder({ restaurantId, lines, menuItems: 2000, random });
    case 'cards':
      return generatedOrder({ restaurantId, lines, withCard: true, random });
    case 'unmapped':
      return generatedOrder({ restaurantId, lines, unmapped: 1, random });
  }
}

/** Requests per order: Wix repeats a request it got no answer to, with the same body. */
export function attemptsOf(scenario: Scenario): number {
  return scenario === 'retries' ? 2 : 1;
}

/** Stable restaurant ids, so that repeated runs reach the same restaurants' mapping rows. */
export function restaurantIds(count: number): string[] {
  return Array.from({ length: count }, (_, i) => String(8_830_975_305_376_234 + i));
}
