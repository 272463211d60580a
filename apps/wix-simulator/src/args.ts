import { UsageError } from '@wix-pos-gateway/runtime';
import { parseArgs } from 'node:util';

export const scenarios = [
  'examples',
  'generated',
  'nested',
  'large-menu',
  'retries',
  'cards',
  'unmapped',
] as const;

export type Scenario = (typeof scenarios)[number];

export interface SimulatorOptions {
  url: string;
  brand: string;
  scenario: Scenario;
  orders: number;
  concurrency: number;
  restaurants: number;
  timeoutMs: number;
  json: boolean;
  expectAccepted: boolean;
  help: boolean;
  /** Where the SPI examples are; the CLI picks a default when absent. */
  fixtures?: string;
}

export const usage = `usage: npm run simulate -- [options]
  Sends Wix Restaurants POS SPI orders to the gateway's webhook, as Wix would.
  --url <base url>        the gateway (default http://127.0.0.1:8080)
  --brand <brand>         posts to <url>/webhooks/wix/<brand> (default demo)
  --scenario <name>       ${scenarios.join('|')} (default generated)
                            examples    the two SPI examples, in turn
                            generated   generated menus and orders, choices one level deep
                            nested      choices three levels deep
                            large-menu  a menu of 2000 items with every order
                            retries     every order sent twice; both answers must name one POS order
                            cards       card payments with a cards map (test card 4580...4580)
                            unmapped    one ordered item has no POS id: expect invalid_item_mapping
  --orders <n>            how many orders (default 20)
  --concurrency <n>       requests in flight at once (default 4)
  --restaurants <n>       spread the orders over this many restaurants (default 3)
  --timeout-ms <ms>       give up on an answer after this long (default 10000)
  --fixtures <dir>        where the SPI examples are (default test/fixtures)
  --json                  print each result, then the summary, as JSON lines
  --expect-accepted       exit 1 unless every order is accepted
  --help                  print this`;

/** A bad command line: the CLI prints the message and the usage, and exits 2. */
export { UsageError };

export function parseOptions(argv: string[]): SimulatorOptions {
  const { values } = parseCommandLine(argv);
  const scenario = values.scenario ?? 'generated';
  if (!isScenario(scenario)) {
    throw new UsageError(`unknown scenario "${scenario}"; one of ${scenarios.join(', ')}`);
  }
  return {
    url: baseUrl(values.url ?? 'http://127.0.0.1:8080'),
    brand: nonEmpty('--brand', values.brand ?? 'demo'),
    scenario,
    orders: positiveInteger('--orders', values.orders ?? '20'),
    concurrency: positiveInteger('--concurrency', values.concurrency ?? '4'),
    restaurants: positiveInteger('--restaurants', values.restaurants ?? '3'),
    timeoutMs: positiveInteger('--timeout-ms', values['timeout-ms'] ?? '10000'),
    json: values.json ?? false,
    expectAccepted: values['expect-accepted'] ?? false,
    help: values.help ?? false,
    fixtures: values.fixtures,
  };
}

function parseCommandLine(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        url: { type: 'string' },
        brand: { type: 'string' },
        scenario: { type: 'string' },
        orders: { type: 'string' },
        concurrency: { type: 'string' },
        restaurants: { type: 'string' },
        'timeout-ms': { type: 'string' },
        fixtures: { type: 'string' },
        json: { type: 'boolean' },
        'expect-accepted': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function isScenario(name: string): name is Scenario {
  return (scenarios as readonly string[]).includes(name);
}

function positiveInteger(option: string, text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < 1) {
    throw new UsageError(`${option} must be a positive integer, not "${text}"`);
  }
  return value;
}

function nonEmpty(option: string, text: string): string {
  if (text.trim() === '') throw new UsageError(`${option} must not be empty`);
  return text;
}

function baseUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--url must be an absolute http(s) URL, not "${text}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--url must be an http(s) URL, not "${text}"`);
  }
  return text.replace(/\/+$/, '');
}

/** Where Wix POSTs the orders of a brand. */
export function webhookUrl(base: string, brand: string): string {
  return `${base}/webhooks/wix/${encodeURIComponent(brand)}`;
}
