/**
 * Preloaded into an app (`NODE_OPTIONS=--require …`) to starve its event loop on demand, as a
 * process short of CPU is: while the file `EVENT_LOOP_HOG` names exists, the loop is kept busy
 * for as many milliseconds of every 50 as the file says, 48 if it is empty. (A signal would not do: Nest's shutdown hooks take them all.)
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const file = process.env.EVENT_LOOP_HOG;
if (file) {
  setInterval(() => {
    let busy: number;
    try {
      busy = Number(readFileSync(file, 'utf8') || 48);
    } catch {
      return;
    }
    const until = performance.now() + busy;
    while (performance.now() < until);
  }, 50).unref();
}

/** What an app's environment takes to be starved while `file` exists. */
export function hogWhile(file: string): Record<string, string> {
  return { NODE_OPTIONS: `--require ${__filename}`, EVENT_LOOP_HOG: file };
}
