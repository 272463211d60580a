import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HookTimeout, callHook } from './hook-call';

describe('callHook', () => {
  it('answers what the hook answers in time', async () => {
    assert.equal(await callHook('h', 1_000, () => Promise.resolve(7)), 7);
  });

  it('stops waiting for a hook that ignores its signal', async () => {
    const started = performance.now();
    const hung = callHook('cancelOrder', 50, () => new Promise<never>(() => undefined));
    await assert.rejects(hung, HookTimeout);
    assert.ok(performance.now() - started < 1_000);
  });

  it('aborts the signal it gave the hook', async () => {
    let seen: AbortSignal | undefined;
    await assert.rejects(
      callHook('h', 20, (signal) => {
        seen = signal;
        return new Promise<never>(() => undefined);
      }),
    );
    assert.equal(seen?.aborted, true);
  });

  it('passes a hook failure through', async () => {
    await assert.rejects(
      callHook('h', 1_000, () => Promise.reject(new Error('boom'))),
      /boom/,
    );
  });
});
