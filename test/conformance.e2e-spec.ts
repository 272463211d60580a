import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { before, describe, it } from 'node:test';
import { conformanceSuite } from '../libs/pos-conformance/src/conformance-suite';
import httpHarness from './conformance/harnesses/http.harness';
import kitchenInboxHarness from './conformance/harnesses/kitchen-inbox.harness';
import { required } from './support/processes';
import { buildWorkedExample, workedExample } from './support/worked-example';

/** Both reference integrations pass the conformance kit. */
conformanceSuite({ integration: 'kitchen-inbox', harness: kitchenInboxHarness });
conformanceSuite({ integration: 'http', harness: httpHarness });

const root = resolve(__dirname, '../..');

/** `npm run conformance -- …`: the kit's command, as its package carries it (its bundle). */
async function conformance(integration: string, harness: string) {
  const child = spawn(
    process.execPath,
    [
      resolve(root, 'libs/pos-conformance/dist/pos-conformance.js'),
      ...['--integration', integration, '--harness', harness],
    ],
    {
      cwd: root,
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
  before(buildWorkedExample);

  it("passes the guide's worked example", async () => {
    const run = await conformance(workedExample.integration, workedExample.harness);
    assert.equal(run.code, 0, run.output);
    assert.match(run.output, /ℹ pass 7\n/);
  });

  it('fails an integration that forgets the idempotency key and cannot void', async () => {
    const run = await conformance(
      './dist/test/fixtures/integrations/forgetful-acme.js',
      workedExample.harness,
    );
    assert.equal(run.code, 1, run.output);
    assert.match(run.output, /✖ deadline: .*\n[\s\S]*the slow order was left at the POS/);
  });
});
