import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { describe, it } from 'node:test';

/** The SDK package's directory, from its build in `libs/pos-sdk/dist`. */
const PACKAGE = resolve(__dirname, '..');
const REPOSITORY = resolve(PACKAGE, '..', '..');

/** What an integration must never pull in through the SDK: the worker's own stack. */
const BANNED = [
  /^@nestjs\//,
  /^kafkajs$/,
  /^pg$/,
  /^@electric-sql\/pglite$/,
  /^pino$/,
  /^class-validator$/,
  /^class-transformer$/,
  /^@wix-pos-gateway\//,
];

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

describe('the SDK package', () => {
  const manifest = JSON.parse(readFileSync(join(PACKAGE, 'package.json'), 'utf8')) as Manifest;

  it('is published with no dependencies at all', () => {
    assert.equal(manifest.name, '@wix-pos-gateway/pos-sdk');
    assert.notEqual(manifest.private, true);
    assert.match(manifest.version, /^\d+\.\d+\.\d+$/);
    const all = {
      ...manifest.dependencies,
      ...manifest.peerDependencies,
      ...manifest.optionalDependencies,
    };
    const banned = Object.keys(all).filter((name) => BANNED.some((pattern) => pattern.test(name)));
    assert.deepEqual(banned, [], `the SDK must not depend on ${banned.join(', ')}`);
    assert.deepEqual(all, {}, 'the SDK has no dependencies: a vendor installs it alone');
  });

  it('loads in a fresh process in under 50 ms, and nothing outside its package', () => {
    const script = `
      const start = process.hrtime.bigint();
      require('@wix-pos-gateway/pos-sdk');
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      console.log(JSON.stringify({ ms, modules: Object.keys(require.cache) }));`;
    const output = execFileSync(process.execPath, ['-e', script], {
      cwd: REPOSITORY,
      encoding: 'utf8',
    });
    const { ms, modules } = JSON.parse(output) as { ms: number; modules: string[] };
    const inside = realpathSync(PACKAGE) + sep;
    const outside = modules.filter((file) => !file.startsWith(inside));
    assert.deepEqual(outside, [], 'the SDK loads only its own modules');
    assert.ok(modules.length > 0, 'the SDK was loaded from its build');
    assert.ok(ms < 50, `require('@wix-pos-gateway/pos-sdk') took ${ms.toFixed(1)} ms`);
  });
});
