import { FakePos } from '../../support/fake-pos';
import { ConformanceHarness } from '@app/pos-sdk';

/**
 * Drives the `http` integration's POS: a local server speaking its protocol. "down" closes the
 * port, so connections are refused; "failing" answers 500.
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
      pos.mode = mode.mode;
      if (mode.mode === 'slow') pos.slowMs = mode.delayMs;
    },
    async liveOrders(wixOrderId) {
      await pos.settled();
      return pos.liveOrders().filter((order) => order.wixOrderId === wixOrderId).length;
    },
    stop: () => pos.stop({ discard: true }),
  };
}
