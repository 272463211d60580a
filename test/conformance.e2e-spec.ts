import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { conformanceSuite } from './conformance/conformance-suite';
import httpHarness from './conformance/harnesses/http.harness';
import kitchenInboxHarness from './conformance/harnesses/kitchen-inbox.harness';
import { required } from './support/processes';

/** Both reference integrations pass the conformance kit. */
conformanceSuite({ integration: 'kitchen-inbox', harness: kitchenInboxHarness });
conformanceSuite({ integration: 'http', harness: httpHarness });

const dist = resolve(__dirname, '..');

/** `npm run conformance -- …`, as an integration author runs it. */
async function conformance(integration: string, harness: string) {
  const child = spawn(
    process.execPath,
    [
      '--test-reporter=spec',
      resolve(dist, 'test/conformance/main.js'),
      ...['--integration', integration, '--harness', harness],
    ],
    {
      cwd: dist,
      env: {
        PATH: process.env.PATH,
        KAFKA_BROKERS: required('KAFKA_BROKERS'),
        DATABASE_URL: required('DATABASE_URL'),
      },
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, output };
}

describe('the conformance command', () => {
  it("passes the guide's worked example", async () => {
    const run = await conformance(
      './examples/acme-pos/acme-pos.js',
      './examples/acme-pos/acme-pos.harness.js',
    );
    assert.equal(run.code, 0, run.output);
    assert.match(run.output, /ℹ pass 7\n/);
  });

  it('fails an integration that forgets the idempotency key and cannot void', async () => {
    const run = await conformance(
      './test/fixtures/integrations/forgetful-acme.js',
      './examples/acme-pos/acme-pos.harness.js',
    );
    assert.equal(run.code, 1, run.output);
    assert.match(run.output, /✖ deadline: .*\n[\s\S]*the slow order was left at the POS/);
  });
});
