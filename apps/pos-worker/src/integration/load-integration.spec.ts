import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConsoleLogger, Logger } from '@nestjs/common';
import { PosIntegration, PosOrder, SubmitContext } from '@wix-pos-gateway/pos-sdk';
import { SqlDatabase } from '@wix-pos-gateway/database';
import { loadIntegration } from './load-integration';

/** Answers `brand/ACME_STORE`, so a test sees what the worker passed to the factory. */
const FACTORY =
  '(ctx) => ({ submitOrder: async () => ({ posOrderId: `${ctx.brand}/${ctx.env.ACME_STORE}` }) })';
const env = { ACME_STORE: 'store-7' };

const submit = (integration: PosIntegration) =>
  integration.submitOrder({} as PosOrder, {} as SubmitContext);

/** The unit tests never touch the database: any use of it fails loudly. */
const noDatabase = new Proxy({} as SqlDatabase, {
  get: () => () => Promise.reject(new Error('no database in unit tests')),
});

function contextOf(env: Record<string, string | undefined>) {
  return { brand: 'brand-a', env, database: noDatabase };
}

/** A database on which every statement succeeds with no rows: enough for the inbox to start. */
const emptyDatabase: SqlDatabase = {
  query: async () => ({ rows: [], rowCount: 0 }),
  connect: async () => ({ query: async () => ({ rows: [], rowCount: 0 }), release: () => {} }),
  end: async () => {},
};

/** The worker's log lines while `work` runs. */
async function logged<T>(work: () => Promise<T>) {
  const lines: Array<{ level: string; message: unknown; context: unknown }> = [];
  const capture = (level: string) => (message: unknown, context: unknown) =>
    void lines.push({ level, message, context });
  Logger.overrideLogger({ log: capture('log'), warn: capture('warn'), error: capture('error') });
  try {
    return { result: await work(), lines };
  } finally {
    Logger.overrideLogger(new ConsoleLogger());
  }
}

describe('loadIntegration', () => {
  let dir: string;

  const write = (path: string, source: string) => {
    const file = join(dir, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, source);
    return file;
  };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'pos-integration-'));
    write('acme.js', `exports.default = ${FACTORY};`);
    write('module-exports.js', `module.exports = ${FACTORY};`);
    write('create-integration.js', `exports.createIntegration = ${FACTORY};`);
    write('async-factory.js', `module.exports = async ${FACTORY};`);
    write('no-factory.js', `exports.name = 'acme';`);
    write('no-submit.js', 'module.exports = () => ({});');
    write('node_modules/acme-pos/package.json', '{ "name": "acme-pos", "main": "index.js" }');
    write('node_modules/acme-pos/index.js', `exports.default = ${FACTORY};`);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('loads the built-in http integration by name', async () => {
    const { name, integration } = await loadIntegration(
      'http',
      contextOf({
        POS_HTTP_URL: 'http://127.0.0.1:1',
      }),
    );
    assert.equal(name, 'http');
    assert.equal(typeof integration.submitOrder, 'function');
    assert.equal(typeof integration.cancelOrder, 'function');
    assert.equal(typeof integration.checkHealth, 'function');
  });

  it('loads the built-in kitchen-inbox integration by name, without a warning', async () => {
    const { result, lines } = await logged(() =>
      loadIntegration('kitchen-inbox', { ...contextOf({}), database: emptyDatabase }),
    );
    assert.equal(result.name, 'kitchen-inbox');
    assert.equal(typeof result.integration.cancelOrder, 'function');
    assert.deepEqual(lines, []);
  });

  it('loads kitchen-inbox under its old name `ledger`, and warns once', async () => {
    const { result, lines } = await logged(() =>
      loadIntegration('ledger', { ...contextOf({}), database: emptyDatabase }),
    );
    assert.equal(result.name, 'kitchen-inbox');
    assert.equal(typeof result.integration.cancelOrder, 'function');
    assert.deepEqual(lines, [
      {
        level: 'warn',
        message: {
          event: 'integration.deprecated_name',
          brand: 'brand-a',
          integration: 'kitchen-inbox',
          POS_INTEGRATION: 'ledger',
          use: 'kitchen-inbox',
        },
        context: 'integration:kitchen-inbox',
      },
    ]);
  });

  it('rejects http without POS_HTTP_URL', async () => {
    await assert.rejects(loadIntegration('http', contextOf({})), /POS_HTTP_URL/);
  });

  it('loads a module path relative to cwd, with the brand and the environment', async () => {
    const { name, integration, log } = await loadIntegration('./acme', contextOf(env), dir);
    assert.equal(name, 'acme');
    assert.deepEqual(await submit(integration), { posOrderId: 'brand-a/store-7' });
    assert.equal(typeof log.info, 'function');
  });

  for (const [file, shape] of [
    ['module-exports.js', 'module.exports = factory'],
    ['acme.js', 'exports.default'],
    ['create-integration.js', 'exports.createIntegration'],
    ['async-factory.js', 'an async factory'],
  ]) {
    it(`takes ${shape}`, async () => {
      const { integration } = await loadIntegration(`./${file}`, contextOf(env), dir);
      assert.deepEqual(await submit(integration), { posOrderId: 'brand-a/store-7' });
    });
  }

  it('loads an absolute path', async () => {
    const { name, integration } = await loadIntegration(join(dir, 'acme.js'), contextOf(env));
    assert.equal(name, 'acme');
    assert.deepEqual(await submit(integration), { posOrderId: 'brand-a/store-7' });
  });

  it("loads a package from cwd's node_modules", async () => {
    const { name, integration } = await loadIntegration('acme-pos', contextOf(env), dir);
    assert.equal(name, 'acme-pos');
    assert.deepEqual(await submit(integration), { posOrderId: 'brand-a/store-7' });
  });

  it('rejects a module that cannot be found', async () => {
    await assert.rejects(
      loadIntegration('./missing', contextOf(env), dir),
      /POS_INTEGRATION \.\/missing cannot be loaded/,
    );
    // Names of Object.prototype are not built-ins: they are looked up as packages.
    await assert.rejects(
      loadIntegration('toString', contextOf(env), dir),
      /POS_INTEGRATION toString cannot be loaded/,
    );
  });

  it('rejects a module that exports no function', async () => {
    await assert.rejects(
      loadIntegration('./no-factory.js', contextOf(env), dir),
      /exports no integration factory/,
    );
  });

  it('rejects a factory whose integration has no submitOrder', async () => {
    await assert.rejects(
      loadIntegration('./no-submit.js', contextOf(env), dir),
      /returned no submitOrder function/,
    );
  });
});
