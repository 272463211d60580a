import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Answer, postOrder } from '../../../test/support/http';
import { SpiBody, uniqueBrand } from '../../../test/support/orders';
import {
  AppProcess,
  required,
  startGateway,
  startWorker,
  stopAll,
} from '../../../test/support/processes';
import { goodOrder, unmappedOrder } from './conformance-orders';
import { voidThenCreate } from './void-first';
import { ConformanceHarness, HarnessFactory } from '@wix-pos-gateway/pos-sdk';

export interface ConformanceOptions {
  /** `POS_INTEGRATION` of the worker under test. */
  integration: string;
  harness: HarnessFactory;
  brand?: string;
  workerEnv?: Record<string, string>;
}

/** What the kit's gateway waits for a worker; Wix waits 10 s. */
const DEADLINE_MS = 3_000;

/**
 * The behaviour every POS integration owes Wix, checked end to end: a real gateway, Kafka,
 * a real worker process running the integration, and the POS driven through a harness.
 */
export function conformanceSuite(options: ConformanceOptions): void {
  const brand = options.brand ?? uniqueBrand('conformance');
  describe(`conformance of POS_INTEGRATION=${options.integration} (brand ${brand})`, () => {
    let harness: ConformanceHarness;
    let gateway: AppProcess;
    /** What the worker's integration is started with, besides the test stack's own. */
    let integrationEnv: Record<string, string>;
    const post = (body: SpiBody): Promise<Answer> => postOrder(gateway.url, brand, body);
    const live = (body: SpiBody): Promise<number> => harness.liveOrders(body.order.id);

    before(async () => {
      harness = options.harness({ brand, databaseUrl: required('DATABASE_URL') });
      const posEnv = await harness.start();
      const env = { POS_INTEGRATION: options.integration, ...posEnv, ...options.workerEnv };
      integrationEnv = { DATABASE_URL: required('DATABASE_URL'), BRAND: brand, ...env };
      await startWorker(brand, env);
      gateway = await startGateway({ ORDER_DEADLINE_MS: String(DEADLINE_MS) });
    });
    afterEach(() => harness.setMode({ mode: 'normal' }));
    after(async () => {
      await stopAll();
      await harness?.stop();
    });

    it('happy path: takes orders with nested choices, each with a POS order id of its own', async () => {
      const first = goodOrder();
      const second = goodOrder(first.order.restaurantId);
      const answers = [await post(first), await post(second)];
      for (const answer of answers)
        assert.ok(answer.body.value?.orderId, JSON.stringify(answer.body));
      assert.notEqual(answers[0].body.value?.orderId, answers[1].body.value?.orderId);
      assert.deepEqual([await live(first), await live(second)], [1, 1]);
    });

    it('retry idempotency: the same order sent again, and 5 times at once, is one POS order', async () => {
      const body = goodOrder();
      const answers = [await post(body), await post(body)];
      answers.push(...(await Promise.all(Array.from({ length: 5 }, () => post(body)))));
      const ids = new Set(answers.map((answer) => answer.body.value?.orderId));
      assert.equal(ids.size, 1, JSON.stringify(answers.map((answer) => answer.body)));
      assert.ok(answers[0].body.value?.orderId);
      assert.equal(await live(body), 1);
    });

    it('unknown item: answers invalid_item_mapping and sends the POS nothing', async () => {
      const body = unmappedOrder();
      const answer = await post(body);
      assert.equal(answer.body.error?.code, 'invalid_item_mapping');
      assert.match(answer.body.error?.description ?? '', /unmapped-special/);
      assert.equal(await live(body), 0);
    });

    it('deadline: a POS slower than Wix waits gives endpoint_down in time and leaves no order', async () => {
      const body = goodOrder();
      const delayMs = DEADLINE_MS + 2_000;
      await harness.setMode({ mode: 'slow', delayMs });
      const answer = await post(body);
      assert.equal(answer.body.error?.code, 'endpoint_down', JSON.stringify(answer.body));
      assert.ok(answer.ms < DEADLINE_MS + 1_000, `answered after ${answer.ms} ms`);
      await sleep(delayMs - answer.ms + 1_500);
      await harness.setMode({ mode: 'normal' });
      assert.equal(await live(body), 0, 'the slow order was left at the POS');

      const retry = await post(body);
      assert.ok(retry.body.value?.orderId, JSON.stringify(retry.body));
      assert.equal(await live(body), 1);
    });

    it('POS down: answers endpoint_down, and takes the order once when it is back', async () => {
      const body = goodOrder();
      await harness.setMode({ mode: 'down' });
      const answer = await post(body);
      assert.equal(answer.body.error?.code, 'endpoint_down', JSON.stringify(answer.body));
      assert.ok(answer.ms < DEADLINE_MS + 1_000, `answered after ${answer.ms} ms`);
      await harness.setMode({ mode: 'normal' });
      assert.equal(await live(body), 0);

      const retry = await post(body);
      assert.ok(retry.body.value?.orderId, JSON.stringify(retry.body));
      assert.equal(await live(body), 1);
    });

    it('void before create: a create that reaches the POS after its void leaves no live order', async () => {
      const body = goodOrder();
      const late = await voidThenCreate(options.integration, brand, integrationEnv, body);
      const message = `the create after the void was ${late}, and the POS holds its order live`;
      assert.equal(await live(body), 0, message);
    });

    it('POS error: answers pos_error and leaves no order', async () => {
      const body = goodOrder();
      await harness.setMode({ mode: 'failing' });
      const answer = await post(body);
      assert.equal(answer.body.error?.code, 'pos_error', JSON.stringify(answer.body));
      await harness.setMode({ mode: 'normal' });
      assert.equal(await live(body), 0);
    });
  });
}
