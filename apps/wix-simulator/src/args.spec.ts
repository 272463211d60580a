import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError, parseOptions, webhookUrl } from './args';

describe('parseOptions', () => {
  it('has defaults for everything', () => {
    assert.deepEqual(parseOptions([]), {
      url: 'http://127.0.0.1:8080',
      brand: 'demo',
      scenario: 'generated',
      orders: 20,
      concurrency: 4,
      restaurants: 3,
      timeoutMs: 10_000,
      json: false,
      expectAccepted: false,
      help: false,
      fixtures: undefined,
    });
  });

  it('reads every option', () => {
    const options = parseOptions([
      '--url=http://gw:9000/',
      '--brand',
      'acme',
      '--scenario',
      'retries',
      '--orders',
      '7',
      '--concurrency',
      '2',
      '--restaurants',
      '1',
      '--timeout-ms',
      '500',
      '--json',
      '--expect-accepted',
    ]);
    assert.equal(webhookUrl(options.url, options.brand), 'http://gw:9000/webhooks/wix/acme');
    assert.equal(options.scenario, 'retries');
    assert.deepEqual(
      [options.orders, options.concurrency, options.restaurants, options.timeoutMs],
      [7, 2, 1, 500],
    );
    assert.ok(options.json && options.expectAccepted);
  });

  it('rejects what it does not know, with a message naming it', () => {
    const cases: Array<[string[], RegExp]> = [
      [['--bogus'], /bogus/],
      [['extra'], /extra/],
      [['--scenario', 'chaos'], /unknown scenario "chaos"/],
      [['--orders', '0'], /--orders must be a positive integer/],
      [['--orders', '1.5'], /--orders must be a positive integer/],
      [['--concurrency', 'many'], /--concurrency must be a positive integer/],
      [['--timeout-ms', '-1'], /timeout-ms/],
      [['--url', 'localhost:8080'], /--url must be/],
      [['--url', 'not a url'], /--url must be/],
      [['--brand', ''], /--brand must not be empty/],
      [['--orders'], /orders/],
    ];
    for (const [argv, message] of cases) {
      assert.throws(
        () => parseOptions(argv),
        (error: unknown) => error instanceof UsageError && message.test(error.message),
        argv.join(' '),
      );
    }
  });
});
