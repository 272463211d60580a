import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { alive } from './support/private-broker';

/** The gateway and workers `pid` started: its children that run an app of `dist/apps`. */
function appsOf(pid: number): number[] {
  let children: number[];
  try {
    children = execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return []; // pgrep exits 1 when it finds none
  }
  return children.filter((child) => {
    try {
      return readFileSync(`/proc/${child}/cmdline`, 'utf8').includes('/apps/');
    } catch {
      return false; // gone since
    }
  });
}

describe('npm run bench, read through a pipe that closes (npm run bench | head)', () => {
  it('exits when it next writes, saying why, and leaves none of its apps running', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'bench-stop-')), 'figures.json');
    const argv = ['--overload-rate', '5', '--overload-seconds', '5', '--warm-up-seconds', '1'];
    const bench = spawn(
      process.execPath,
      [resolve(__dirname, '../bench/main.js'), ...argv, '--out', out],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: process.env,
      },
    );
    let stderr = '';
    bench.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = once(bench, 'exit');
    bench.stdout.resume();
    let apps: number[] = [];
    for (const until = Date.now() + 30_000; apps.length < 3 && Date.now() < until;) {
      await new Promise((done) => setTimeout(done, 200));
      apps = appsOf(bench.pid!);
    }
    assert.equal(apps.length, 3, `a gateway and 2 workers started: ${stderr}`);
    // The reader goes away while the load runs; the bench learns of it when it next writes.
    bench.stdout.destroy();
    const [code] = (await Promise.race([
      exited,
      new Promise((done) => setTimeout(() => done(['still running after 60 s']), 60_000)),
    ])) as [unknown];
    assert.equal(code, 141, stderr);
    assert.match(stderr, /the output failed \(EPIPE\): stopping what this run started/);
    assert.deepEqual(apps.filter(alive), []);
    rmSync(dirname(out), { recursive: true, force: true });
  });
});
