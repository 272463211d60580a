/**
 * Preloaded into an app (`NODE_OPTIONS=--require …`) to make its event loop fall behind on
 * demand, busy and late: while the file `EVENT_LOOP_HOG` names exists, the loop is kept busy
 * for as many milliseconds as the file says, then left 50 ms, over and over. (A signal would
 * not do: Nest's shutdown hooks take them all.)
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const file = process.env.EVENT_LOOP_HOG;

function turn(): void {
  let busy = 0;
  try {
    busy = Number(readFileSync(file ?? '', 'utf8'));
  } catch {
    // no file: no hog
  }
  const until = performance.now() + busy;
  while (performance.now() < until);
  setTimeout(turn, 50).unref();
}

if (file) turn();

/** What an app's environment takes for its loop to fall behind while `file` exists. */
export function hogWhile(file: string): Record<string, string> {
  return { NODE_OPTIONS: `--require ${JSON.stringify(__filename)}`, EVENT_LOOP_HOG: file };
}
