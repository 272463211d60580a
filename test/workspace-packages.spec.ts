import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';

/** The repository root, from `dist/test`. */
const ROOT = resolve(__dirname, '..', '..');

interface Manifest {
  name: string;
  private?: boolean;
  dependencies?: Record<string, string>;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'testing' ? [] : sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** The packages a lib's code (not its specs) imports: `pg`, `@nestjs/common`, … */
function importedPackages(lib: string): string[] {
  const names = new Set<string>();
  for (const file of sources(join(ROOT, 'libs', lib, 'src'))) {
    for (const [, specifier] of readFileSync(file, 'utf8').matchAll(
      /(?:from|import)\s+'([^'.][^']*)'/g,
    )) {
      if (specifier.startsWith('node:')) continue;
      const parts = specifier.split('/');
      names.add(parts.slice(0, specifier.startsWith('@') ? 2 : 1).join('/'));
    }
  }
  return [...names].sort();
}

/** Packages meant for a registry; the others are bundled, or never leave the repository. */
const PUBLISHED = ['pos-sdk', 'pos-conformance'];

describe('workspace packages', () => {
  const libs = readdirSync(join(ROOT, 'libs'));
  const manifests = new Map(
    libs.map((lib) => [
      lib,
      JSON.parse(readFileSync(join(ROOT, 'libs', lib, 'package.json'), 'utf8')) as Manifest,
    ]),
  );

  it('are named after their folder, private but for the SDK and the conformance kit', () => {
    for (const [lib, manifest] of manifests) {
      assert.equal(manifest.name, `@wix-pos-gateway/${lib}`);
      assert.equal(manifest.private, PUBLISHED.includes(lib) ? undefined : true, lib);
    }
  });

  // The kit's package is a bundle: its own spec holds its dependencies to what the bundle requires.
  it('depend on exactly the packages their code imports, so that npm pack of one is right', () => {
    for (const [lib, manifest] of manifests) {
      if (lib === 'pos-conformance') continue;
      assert.deepEqual(
        Object.keys(manifest.dependencies ?? {}).sort(),
        importedPackages(lib),
        `libs/${lib}/package.json dependencies`,
      );
    }
  });
});
