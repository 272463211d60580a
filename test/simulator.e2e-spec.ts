import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { uniqueBrand } from './support/orders';
import { AppProcess, startGateway, startWorker, stopAll } from './support/processes';

const simulator = resolve(__dirname, '../apps/wix-simulator/src/main.js');

describe('the Wix simulator against a real gateway', () => {
  const brand = uniqueBrand('simulated');
  let gateway: AppProcess;
  let worker: AppProcess;

  before(async () => {
    worker = await startWorker(brand);
    gateway = await startGateway();
  });
  after(stopAll);

  async function simulate(...args: string[]) {
    const child = spawn(process.execPath, [
      simulator,
      '--url',
      gateway.url,
      '--brand',
      brand,
      ...args,
    ]);
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    return { code, output };
  }

  it('sends orders with choices three levels deep and prints outcomes and latencies', async () => {
    const run = await simulate('--scenario', 'nested', '--orders', '12', '--expect-accepted');
    assert.equal(run.code, 0, run.output);
    assert.match(run.output, /requests: 12, accepted: 12/);
    assert.match(run.output, /latency: p50 \d+ms, p90 \d+ms, p99 \d+ms, max \d+ms/);
  });

  it('sends every order twice and finds both answers the same', async () => {
    const run = await simulate('--scenario', 'retries', '--orders', '8', '--expect-accepted');
    assert.equal(run.code, 0, run.output);
    assert.match(run.output, /retry mismatches: 0/);
  });

  it('sends card orders and large menus without a card number anywhere', async () => {
    for (const scenario of ['cards', 'large-menu', 'examples']) {
      const run = await simulate('--scenario', scenario, '--orders', '4', '--expect-accepted');
      assert.equal(run.code, 0, run.output);
    }
    const everything = [gateway.logs(), worker.logs()].join('\n');
    assert.doesNotMatch(everything, /4580458045804580|"csc"/);
  });

  it('exits 1 under --expect-accepted when orders fail', async () => {
    const run = await simulate('--scenario', 'unmapped', '--orders', '2', '--expect-accepted');
    assert.equal(run.code, 1, run.output);
    assert.match(run.output, /invalid_item_mapping: 2/);
  });
});
