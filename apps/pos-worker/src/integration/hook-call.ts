/** An integration hook ran past its time: the worker stops waiting for it. */
export class HookTimeout extends Error {
  constructor(hook: string, ms: number) {
    super(`${hook} did not finish within ${ms} ms`);
  }
}

/**
 * Calls an integration hook with a signal that aborts after `ms`, and stops waiting then even
 * if the hook ignores its signal: one hung call must not hold an order, and its slot, forever.
 */
export function callHook<T>(
  hook: string,
  ms: number,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => {
        const error = new HookTimeout(hook, ms);
        controller.abort(error);
        reject(error);
      },
      Math.max(1, ms),
    );
  });
  const called = Promise.resolve().then(() => call(controller.signal));
  called.catch(() => undefined);
  return Promise.race([called, timedOut]).finally(() => clearTimeout(timer));
}
