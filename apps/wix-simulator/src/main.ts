import { resolve } from 'node:path';
import { runCommand } from '@wix-pos-gateway/runtime';
import { parseOptions, usage, webhookUrl } from './args';
import { OrderResult, formatResult, summarize, summaryLines } from './report';
import { runOrders } from './run';
import { attemptsOf, restaurantIds, scenarioOrder } from './scenarios';

/** The Wix simulator: sends SPI orders to the gateway and reports what came back. */
async function main(argv: string[]): Promise<number> {
  const options = parseOptions(argv);
  if (options.help) {
    console.log(usage);
    return 0;
  }
  const url = webhookUrl(options.url, options.brand);
  const context = {
    // dist/apps/wix-simulator/src → the repository's test/fixtures
    fixturesDir: options.fixtures ?? resolve(__dirname, '../../../../test/fixtures'),
    restaurantIds: restaurantIds(options.restaurants),
  };
  if (!options.json) {
    console.log(
      `scenario ${options.scenario}: ${options.orders} order(s) to ${url}, ` +
        `${options.concurrency} at a time, ${options.restaurants} restaurant(s)`,
    );
  }
  const print = (result: OrderResult): void =>
    console.log(options.json ? JSON.stringify(result) : formatResult(result));
  const { results, retryMismatches } = await runOrders({
    url,
    orders: options.orders,
    concurrency: options.concurrency,
    timeoutMs: options.timeoutMs,
    attempts: attemptsOf(options.scenario),
    makeOrder: (index) => scenarioOrder(options.scenario, index, context),
    onResult: print,
  });
  const summary = summarize(results, retryMismatches);
  if (options.json) console.log(JSON.stringify({ summary }));
  else for (const line of summaryLines(summary)) console.log(line);
  const allAccepted = results.every((r) => r.outcome === 'accepted');
  return options.expectAccepted && !allAccepted ? 1 : 0;
}

runCommand(() => main(process.argv.slice(2)), usage);
