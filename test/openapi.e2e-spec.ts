import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { uniqueBrand } from './support/orders';
import { AppProcess, startGateway, startWorker, stopAll } from './support/processes';

const checkedIn = (name: string) => resolve(__dirname, '../../openapi', `${name}.json`);

/**
 * The OpenAPI documents the running apps serve are the ones checked in under `openapi/`:
 * `npm run openapi` rewrites those from running apps (UPDATE_OPENAPI=1).
 */
describe('the OpenAPI documents', () => {
  const apps: Record<string, AppProcess> = {};

  before(async () => {
    apps['pos-worker'] = await startWorker(uniqueBrand('openapi'), {
      OPERATOR_TOKEN: 'x'.repeat(16),
    });
    apps.gateway = await startGateway();
  });
  after(stopAll);

  for (const name of ['gateway', 'pos-worker']) {
    it(`of the ${name} are served and match openapi/${name}.json`, async () => {
      const res = await fetch(`${apps[name].url}/openapi.json`);
      assert.equal(res.status, 200);
      const served = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
      assert.match(served.openapi, /^3\./);
      if (process.env.UPDATE_OPENAPI === '1') {
        writeFileSync(checkedIn(name), `${JSON.stringify(served, null, 2)}\n`);
      }
      const expected = JSON.parse(readFileSync(checkedIn(name), 'utf8')) as unknown;
      assert.deepEqual(served, expected, `openapi/${name}.json is stale: run npm run openapi`);
    });
  }
});
