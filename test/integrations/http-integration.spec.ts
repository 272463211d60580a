import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import {
  CardDeclinedError,
  PosError,
  PosUnavailableError,
  UnknownItemsError,
  isPosFailure,
  type PosIntegration,
  type PosOrder,
  type SubmitContext,
} from '@wix-pos-gateway/pos-sdk';
import type { SqlDatabase } from '@wix-pos-gateway/pos-sdk';
import { FakePos } from '../support/fake-pos';
import { httpIntegration } from '@wix-pos-gateway/integrations';

const TOKEN = 'secret-token-123';
const CARD_NUMBER = '4580458045804580';
const silent = { info() {}, warn() {}, error() {} };
/** The http integration keeps no state: any use of the database fails loudly. */
const noDatabase = new Proxy({} as SqlDatabase, {
  get: () => () => Promise.reject(new Error('the http integration has no database')),
});

async function makeIntegration(env: Record<string, string | undefined>): Promise<PosIntegration> {
  return httpIntegration({ brand: 'demo', env, log: silent, database: noDatabase });
}

function makeContext(signal = new AbortController().signal): SubmitContext {
  return { signal, deadline: new Date(Date.now() + 10_000), attempt: 1, log: silent };
}

function makeOrder(overrides: Partial<PosOrder> = {}): PosOrder {
  const wixOrderId = `wix-${randomUUID()}`;
  return {
    brand: 'demo',
    restaurantId: 'r-1',
    wixOrderId,
    idempotencyKey: `demo:r-1:${wixOrderId}`,
    lines: [
      {
        itemId: 'pizza',
        posItemId: 'PZ-1',
        count: 2,
        choices: [[{ itemId: 'cheese', posItemId: 'TOP-CH', count: 1, choices: [] }]],
      },
    ],
    wixOrder: { id: wixOrderId, restaurantId: 'r-1', orderItems: [] },
    menu: { items: [] },
    receivedAt: new Date('2024-05-01T12:00:00.000Z'),
    ...overrides,
  };
}

/** Asserts the failure's class, `retryable` and message, and that no secret leaked into it. */
async function rejects(
  promise: Promise<unknown>,
  type: new (...args: never[]) => Error,
  retryable: boolean,
  message: RegExp,
  orderMayExist?: boolean,
): Promise<void> {
  await assert.rejects(
    promise,
    (error: Error & { retryable?: boolean; orderMayExist?: boolean }) => {
      assert.ok(error instanceof type, `${error.name}: ${error.message}`);
      assert.equal(error.retryable, retryable);
      if (orderMayExist !== undefined) assert.equal(error.orderMayExist, orderMayExist);
      assert.match(error.message, message);
      assert.doesNotMatch(error.message, new RegExp(`${TOKEN}|${CARD_NUMBER}`));
      return true;
    },
  );
}

describe('http integration', () => {
  const pos = new FakePos({ slowMs: 300 });
  let env: Record<string, string>;
  let integration: PosIntegration;
  /** Gives up after 100 ms, before a slow POS (300 ms) answers. */
  let impatient: PosIntegration;

  before(async () => {
    const url = await pos.start();
    env = { POS_HTTP_URL: url, POS_HTTP_TOKEN: TOKEN, POS_HTTP_TIMEOUT_MS: '2000' };
    integration = await makeIntegration(env);
    impatient = await makeIntegration({ ...env, POS_HTTP_TIMEOUT_MS: '100' });
  });
  beforeEach(() => {
    pos.reset();
    pos.mode = 'normal';
    pos.knownItems = undefined;
    pos.declineCards = false;
  });
  afterEach(() => pos.settled());
  after(() => pos.stop({ discard: true }));

  describe('submitOrder', () => {
    it('posts the order with its idempotency key and returns the POS order id', async () => {
      const order = makeOrder();
      const submitted = await integration.submitOrder(order, makeContext());

      assert.deepEqual(submitted, { posOrderId: pos.orders[0]?.orderId });
      assert.match(submitted.posOrderId, /^P-\d+$/);
      assert.equal(pos.lastHeaders?.['idempotency-key'], order.idempotencyKey);
      assert.equal(pos.lastHeaders?.['content-type'], 'application/json');
      assert.equal(pos.lastHeaders?.accept, 'application/json');
      assert.equal(pos.lastHeaders?.authorization, `Bearer ${TOKEN}`);
      assert.deepEqual(pos.lastBody, {
        idempotencyKey: order.idempotencyKey,
        brand: 'demo',
        restaurantId: 'r-1',
        wixOrderId: order.wixOrderId,
        lines: order.lines,
        wixOrder: order.wixOrder,
        receivedAt: '2024-05-01T12:00:00.000Z',
      });
    });

    it('sends cards only when the order has them', async () => {
      const cards = {
        'tok-1': { number: CARD_NUMBER, csc: '123', expireMonth: 4, expireYear: 2031 },
      };
      await integration.submitOrder(makeOrder({ cards }), makeContext());
      assert.deepEqual((pos.lastBody as { cards?: unknown }).cards, cards);

      await integration.submitOrder(makeOrder(), makeContext());
      assert.equal(Object.hasOwn(pos.lastBody as object, 'cards'), false);
    });

    it('refuses to send cards to a plain-http POS on another host', async () => {
      const remote = await makeIntegration({ POS_HTTP_URL: 'http://pos.invalid' });
      const cards = { 'tok-1': { number: CARD_NUMBER, expireMonth: 4, expireYear: 2031 } };
      await assert.rejects(remote.submitOrder(makeOrder({ cards }), makeContext()), {
        name: 'PosError',
        message: 'card data goes only to an https:// POS (or one on this host)',
      });
    });

    it('sends no authorization header without a token', async () => {
      const anonymous = await makeIntegration({ POS_HTTP_URL: pos.url });
      await anonymous.submitOrder(makeOrder(), makeContext());
      assert.equal(pos.lastHeaders?.authorization, undefined);
    });

    it('answers a duplicate (409) with the order the POS already has', async () => {
      const order = makeOrder();
      const first = await integration.submitOrder(order, makeContext());
      const second = await integration.submitOrder(order, makeContext());

      assert.deepEqual(second, first);
      assert.equal(pos.duplicates, 1);
      assert.equal(pos.orders.length, 1);
    });

    it('fails, not retryable, on a 2xx or 409 without an orderId', async () => {
      for (const [status, body] of [
        [200, {}],
        [201, { orderId: '' }],
        [202, undefined],
        [409, { duplicate: true }],
      ] as const) {
        pos.answerNext(status, body);
        await rejects(
          integration.submitOrder(makeOrder(), makeContext()),
          PosError,
          false,
          /accepted the order but sent no orderId/,
        );
      }
    });

    it('reports the unknown items of a 422, at any choice depth', async () => {
      pos.knownItems = new Set(['PZ-1']);
      await assert.rejects(integration.submitOrder(makeOrder(), makeContext()), (error) => {
        assert.ok(error instanceof UnknownItemsError);
        assert.deepEqual(error.posItemIds, ['TOP-CH']);
        assert.equal(error.retryable, false);
        return true;
      });
      assert.equal(pos.orders.length, 0);
    });

    it('fails, not retryable, on a 422 without a list of unknown items', async () => {
      pos.answerNext(422, { message: 'menu out of date' });
      await rejects(
        integration.submitOrder(makeOrder(), makeContext()),
        PosError,
        false,
        /HTTP 422: menu out of date/,
      );
    });

    it('reports a declined card (402) with the POS message, or a default one', async () => {
      pos.declineCards = true;
      const cards = { 'tok-1': { number: CARD_NUMBER, expireMonth: 4, expireYear: 2031 } };
      await rejects(
        integration.submitOrder(makeOrder({ cards }), makeContext()),
        CardDeclinedError,
        false,
        /^card declined$/,
      );
      pos.answerNext(402, { message: 'x'.repeat(500) });
      await rejects(
        integration.submitOrder(makeOrder({ cards }), makeContext()),
        CardDeclinedError,
        false,
        /^the POS declined the card$/,
      );
    });

    it('reports the POS unavailable on 408, 429, 502, 503 and 504', async () => {
      for (const status of [408, 429, 502, 504]) {
        pos.answerNext(status, { error: 'busy' });
        await rejects(
          integration.submitOrder(makeOrder(), makeContext()),
          PosUnavailableError,
          true,
          new RegExp(`unavailable: HTTP ${status}: busy`),
          status >= 500,
        );
      }
      pos.mode = 'unavailable';
      await rejects(
        integration.submitOrder(makeOrder(), makeContext()),
        PosUnavailableError,
        true,
        /HTTP 503/,
        true,
      );
    });

    it('takes every 5xx to a create as ambiguous: the order may exist, and is to be voided', async () => {
      for (const status of [500, 502, 503, 504]) {
        pos.answerNext(status, { message: 'upstream hiccup' });
        await assert.rejects(integration.submitOrder(makeOrder(), makeContext()), (error) => {
          assert.ok(isPosFailure(error), String(error));
          assert.equal(error.orderMayExist, true, `HTTP ${status}`);
          assert.equal(error.retryable, true, `HTTP ${status}`);
          return true;
        });
      }
      for (const status of [408, 429, 400, 409, 422]) {
        pos.answerNext(status, { message: 'not taken' });
        await assert.rejects(integration.submitOrder(makeOrder(), makeContext()), (error) => {
          assert.equal(isPosFailure(error) && error.orderMayExist, false, `HTTP ${status}`);
          return true;
        });
      }
    });

    it('fails, not retryable, on other 4xx and 3xx answers', async () => {
      for (const status of [400, 401, 404, 302]) {
        pos.answerNext(status, { message: `refused ${TOKEN}`.slice(0, 8) });
        await rejects(
          integration.submitOrder(makeOrder(), makeContext()),
          PosError,
          false,
          new RegExp(`refused the order: HTTP ${status}: refused`),
        );
      }
    });

    it('fails, retryable, on 500 and other 5xx answers, the order possibly made', async () => {
      pos.mode = 'failing';
      await rejects(
        integration.submitOrder(makeOrder(), makeContext()),
        PosError,
        true,
        /the POS failed: HTTP 500: kitchen printer jammed/,
        true,
      );
      pos.answerNext(501);
      await rejects(
        integration.submitOrder(makeOrder(), makeContext()),
        PosError,
        true,
        /HTTP 501$/,
        true,
      );
    });

    it('keeps long POS messages and card numbers out of its errors', async () => {
      pos.answerNext(400, { message: 'y'.repeat(201) });
      await rejects(
        integration.submitOrder(makeOrder(), makeContext()),
        PosError,
        false,
        /HTTP 400$/,
      );
      pos.answerNext(400, { message: `bad card ${CARD_NUMBER}` });
      await rejects(
        integration.submitOrder(makeOrder(), makeContext()),
        PosError,
        false,
        /bad card \[redacted\]$/,
      );
    });

    it('gives up after POS_HTTP_TIMEOUT_MS', async () => {
      pos.mode = 'slow';
      const started = Date.now();
      await rejects(
        impatient.submitOrder(makeOrder(), makeContext()),
        PosUnavailableError,
        true,
        /did not answer within 100ms/,
        true,
      );
      assert.ok(Date.now() - started < 250);
    });

    it('gives up when the context signal aborts', async () => {
      pos.mode = 'slow';
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 50);
      await rejects(
        integration.submitOrder(makeOrder(), makeContext(controller.signal)),
        PosUnavailableError,
        true,
        /abandoned at the deadline/,
        true,
      );
      await pos.settled();
      assert.equal(pos.liveOrders().length, 1, 'the POS created the order all the same');
    });

    it('reports a refused connection as unreachable, the order surely not taken', async () => {
      const closed = new FakePos();
      await closed.start();
      await closed.stop();
      const refused = await makeIntegration({ POS_HTTP_URL: closed.url });
      await rejects(
        refused.submitOrder(makeOrder(), makeContext()),
        PosUnavailableError,
        true,
        /unreachable: ECONNREFUSED$/,
        false,
      );
    });

    it('reports a POS that went down as unreachable, and works again once it is back', async () => {
      await integration.submitOrder(makeOrder(), makeContext());
      await pos.stop();
      try {
        await rejects(
          integration.submitOrder(makeOrder(), makeContext()),
          PosUnavailableError,
          true,
          /unreachable: (ECONNREFUSED|ECONNRESET|UND_ERR_SOCKET)$/,
        );
      } finally {
        await pos.start(pos.port);
      }
      const submitted = await integration.submitOrder(makeOrder(), makeContext());
      assert.equal(submitted.posOrderId, pos.orders.at(-1)?.orderId);
      assert.equal(pos.orders.length, 2);
    });

    it('reports a host that does not resolve as unreachable', async () => {
      const nowhere = await makeIntegration({
        POS_HTTP_URL: 'http://pos.invalid',
        POS_HTTP_TIMEOUT_MS: '5000',
      });
      await rejects(
        nowhere.submitOrder(makeOrder(), makeContext()),
        PosUnavailableError,
        true,
        /unreachable: (ENOTFOUND|EAI_AGAIN)/,
        false,
      );
    });
  });

  describe('cancelOrder', () => {
    it('voids an order the POS created', async () => {
      const order = makeOrder();
      await integration.submitOrder(order, makeContext());
      await integration.cancelOrder!(order, makeContext());

      assert.equal(pos.orders.length, 1);
      assert.deepEqual(pos.liveOrders(order.idempotencyKey), []);
      assert.equal(pos.requests.DELETE, 1);
    });

    it('voids an order the POS creates only after the call was abandoned', async () => {
      pos.mode = 'slow';
      const order = makeOrder({ idempotencyKey: 'demo:r-1:a/b c' });
      await assert.rejects(impatient.submitOrder(order, makeContext()), PosUnavailableError);
      await integration.cancelOrder!(order, makeContext());
      await pos.settled();

      assert.equal(pos.orders.length, 1);
      assert.deepEqual(pos.liveOrders(order.idempotencyKey), []);
    });

    it('voids an order the POS created after the call was abandoned', async () => {
      pos.mode = 'slow';
      const order = makeOrder();
      await assert.rejects(impatient.submitOrder(order, makeContext()), PosUnavailableError);
      await pos.settled();
      assert.equal(pos.liveOrders(order.idempotencyKey).length, 1);

      await integration.cancelOrder!(order, makeContext());
      assert.deepEqual(pos.liveOrders(order.idempotencyKey), []);
    });

    it('succeeds when the POS has no such order', async () => {
      await integration.cancelOrder!(makeOrder(), makeContext());
    });

    it('void before create: a create that comes after its void leaves no live order', async () => {
      const order = makeOrder();
      await integration.cancelOrder!(order, makeContext());
      await rejects(
        integration.submitOrder(order, makeContext()),
        PosError,
        false,
        /HTTP 410: the order was voided before it arrived/,
        false,
      );
      assert.deepEqual(pos.liveOrders(order.idempotencyKey), []);
      await integration.submitOrder(makeOrder({ wixOrderId: order.wixOrderId }), makeContext());
      assert.equal(pos.liveOrders().length, 1, 'a new key is a new order');
    });

    it('fails, retryable, when the POS cannot void', async () => {
      pos.mode = 'unavailable';
      await rejects(
        integration.cancelOrder!(makeOrder(), makeContext()),
        PosUnavailableError,
        true,
        /did not void the order: HTTP 503/,
      );
      pos.mode = 'normal';
      await pos.stop();
      try {
        await rejects(
          integration.cancelOrder!(makeOrder(), makeContext()),
          PosUnavailableError,
          true,
          /unreachable/,
        );
      } finally {
        await pos.start(pos.port);
      }
    });
  });

  describe('checkHealth', () => {
    it('passes while the POS is healthy', async () => {
      await integration.checkHealth!(makeContext());
      pos.mode = 'slow';
      await integration.checkHealth!(makeContext());
    });

    it('throws when the POS is unhealthy or down', async () => {
      pos.mode = 'failing';
      await rejects(integration.checkHealth!(makeContext()), PosUnavailableError, true, /503/);
      await pos.stop();
      try {
        await rejects(
          integration.checkHealth!(makeContext()),
          PosUnavailableError,
          true,
          /unreachable/,
        );
      } finally {
        await pos.start(pos.port);
      }
    });
  });

  describe('configuration', () => {
    it('requires POS_HTTP_URL', async () => {
      for (const POS_HTTP_URL of [undefined, '']) {
        await assert.rejects(makeIntegration({ POS_HTTP_URL }), /POS_HTTP_URL is required/);
      }
    });

    it('requires an http or https URL', async () => {
      for (const POS_HTTP_URL of [
        'ftp://pos.example',
        'pos.example',
        'not a url',
        'http://u:p@pos.example',
      ]) {
        await assert.rejects(makeIntegration({ POS_HTTP_URL }), /http:\/\/ or https:\/\//);
      }
      await makeIntegration({ POS_HTTP_URL: 'https://pos.example.com/api/v1' });
    });

    it('bounds POS_HTTP_TIMEOUT_MS', async () => {
      for (const POS_HTTP_TIMEOUT_MS of ['99', '60001', 'soon']) {
        await assert.rejects(
          makeIntegration({ POS_HTTP_URL: pos.url, POS_HTTP_TIMEOUT_MS }),
          /POS_HTTP_TIMEOUT_MS/,
        );
      }
    });

    it('accepts a base URL with a trailing slash', async () => {
      const slashed = await makeIntegration({ POS_HTTP_URL: `${pos.url}/` });
      await slashed.submitOrder(makeOrder(), makeContext());
      assert.equal(pos.orders.length, 1);
    });
  });
});
