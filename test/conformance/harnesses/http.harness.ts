import { FakePos } from '../../support/fake-pos';
import { ConformanceHarness } from '@wix-pos-gateway/pos-sdk';

/**
 * Drives the `http` integration's POS: a local server speaking its protocol. "down" closes the
 * port, so connections are refused; "failing" refuses orders with a 400 of its own (a 5xx
 * would leave the POS's side in doubt, and the worker would void and answer `endpoint_down`).
 */
export default function httpHarness(): ConformanceHarness {
  const pos = new FakePos();
  let up = false;

  const ensureUp = async () => {
    if (!up) await pos.start(pos.port);
    up = true;
  };

  return {
    async start() {
      const url = await pos.start();
      up = true;
      return { POS_HTTP_URL: url, POS_HTTP_TIMEOUT_MS: '2000' };
    },
    async setMode(mode) {
      if (mode.mode === 'down') {
        await pos.stop();
        up = false;
        return;
      }
      await ensureUp();
      pos.mode = mode.mode === 'failing' ? 'refusing' : mode.mode;
      if (mode.mode === 'slow') pos.slowMs = mode.delayMs;
    },
    async liveOrders(wixOrderId) {
      await pos.settled();
      return pos.liveOrders().filter((order) => order.wixOrderId === wixOrderId).length;
    },
    stop: () => pos.stop({ discard: true }),
  };
}
