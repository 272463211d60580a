import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { ConformanceHarness, HarnessFactory } from '@wix-pos-gateway/pos-sdk';
import { goodOrder } from '../libs/pos-conformance/src/conformance-orders';
import { postOrder } from './support/http';
import { uniqueBrand } from './support/orders';
import { required, startGateway, startWorker, stopAll } from './support/processes';
import { WORKED_EXAMPLE } from './support/worked-example';

const ROOT = resolve(__dirname, '../..');
const GUIDE = resolve(ROOT, 'docs/integrations.md');
const STEPS_MARK = '<!-- test/vendor-path.e2e-spec.ts runs these steps -->';
const run = promisify(execFile);

/** The guide's steps for a package of one's own: the shell block after STEPS_MARK. */
function guideSteps(): string {
  const guide = readFileSync(GUIDE, 'utf8');
  const block = /```sh\n([\s\S]*?)```/.exec(guide.slice(guide.indexOf(STEPS_MARK)));
  assert.ok(guide.includes(STEPS_MARK) && block, `docs/integrations.md has no ${STEPS_MARK}`);
  return block[1];
}

async function sh(script: string, cwd: string, env: NodeJS.ProcessEnv = {}): Promise<string> {
  // As in a vendor's shell: not a child of this test runner (NODE_TEST_CONTEXT).
  const shell: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete shell.NODE_TEST_CONTEXT;
  const options = { cwd, env: shell, maxBuffer: 64 << 20 };
  const ran = await run('bash', ['-euo', 'pipefail', '-c', script], options).catch(
    (error: { stdout?: string; stderr?: string; message: string }) => {
      throw new Error(`${error.message}\n${error.stdout ?? ''}\n${error.stderr ?? ''}`);
    },
  );
  return ran.stdout + ran.stderr;
}

const json = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;

/**
 * What a POS vendor does, outside this repository: the SDK's and the kit's tarballs, the
 * guide's steps in an empty directory — npm init, install, build, unit test, a passing
 * conformance run, npm pack —, then the packed integration installed next to this
 * repository's worker, which loads it by package name and takes an order through a gateway.
 */
describe('a POS integration from its own repository', () => {
  const work = mkdtempSync(join(tmpdir(), 'vendor-path-'));
  const packs = join(work, 'packs');
  const vendor = join(work, 'acme-pos');
  const brand = uniqueBrand('vendor');
  let harness: ConformanceHarness | undefined;

  before(async () => {
    mkdirSync(packs);
    const packages = '-w @wix-pos-gateway/pos-sdk -w @wix-pos-gateway/pos-conformance';
    await sh(`npm pack ${packages} --pack-destination "${packs}"`, ROOT);
  });
  after(async () => {
    await stopAll();
    await harness?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it("follows the guide's steps to a passing conformance run and a package", async () => {
    const output = await sh(guideSteps(), work, {
      PACKS: packs,
      TEMPLATE: WORKED_EXAMPLE,
      KAFKA_BROKERS: required('KAFKA_BROKERS'),
      DATABASE_URL: required('DATABASE_URL'),
    });
    assert.match(output, /ℹ pass 7\n/, output);
    assert.match(output, /ℹ fail 0\n/, output);
    assert.match(output, /acme-wix-pos-1\.0\.0\.tgz/, output);
  });

  it('ends with the package.json of the template', () => {
    const made = json(join(vendor, 'package.json'));
    const template = json(join(WORKED_EXAMPLE, 'package.json'));
    for (const key of Object.keys(template)) assert.deepEqual(made[key], template[key], key);
  });

  it('runs in the worker by package name, installed next to it, and takes an order', async () => {
    const beside = join(work, 'worker');
    mkdirSync(beside);
    writeFileSync(join(beside, 'package.json'), '{ "private": true }\n');
    const tarballs = [
      join(packs, 'wix-pos-gateway-pos-sdk-1.0.0.tgz'),
      join(vendor, 'acme-wix-pos-1.0.0.tgz'),
    ];
    await sh(`npm install --prefer-offline --no-audit --no-fund ${tarballs.join(' ')}`, beside);

    const load = createRequire(__filename);
    const standIn = load(join(vendor, 'dist/acme-pos.harness.js')) as { default: HarnessFactory };
    harness = standIn.default({ brand, databaseUrl: required('DATABASE_URL') });
    const acmeEnv = await harness.start();
    await startWorker(brand, { POS_INTEGRATION: '@acme/wix-pos', ...acmeEnv }, beside);
    const gateway = await startGateway();

    const body = goodOrder();
    const answer = await postOrder(gateway.url, brand, body);
    assert.match(answer.body.value?.orderId ?? '', /^A-\d+$/, JSON.stringify(answer.body));
    assert.equal(await harness.liveOrders(body.order.id), 1);
  });
});
