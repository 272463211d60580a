import type { BuildOptions, Metafile, Plugin } from 'esbuild';
import { builtinModules } from 'node:module';
import { resolve } from 'node:path';

/** The repository root, from `dist/libs/pos-conformance/src/bundle`. */
export const ROOT = resolve(__dirname, '../../../../..');
export const KIT = resolve(ROOT, 'libs/pos-conformance');

/** What the package carries, each bundled from the build's output (`dist/`). */
const ENTRIES = {
  'pos-conformance': 'dist/libs/pos-conformance/src/main.js',
  'conformance-run': 'dist/libs/pos-conformance/src/conformance-run.js',
  gateway: 'dist/apps/gateway/src/main.js',
  'pos-worker': 'dist/apps/pos-worker/src/main.js',
};

/**
 * The repository's own code — its workspace packages and relative files — goes into the
 * bundle; every other package stays a `require` of the kit's dependencies.
 */
const thirdPartyExternal: Plugin = {
  name: 'third-party-external',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, ({ path }) =>
      path.startsWith('@wix-pos-gateway/') ? undefined : { path, external: true },
    );
  },
};

export function bundleOptions(): BuildOptions {
  return {
    absWorkingDir: ROOT,
    entryPoints: Object.fromEntries(
      Object.entries(ENTRIES).map(([name, file]) => [name, resolve(ROOT, file)]),
    ),
    outdir: resolve(KIT, 'dist'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20.11',
    // Nest and the logs name classes: the bundle keeps their names.
    keepNames: true,
    plugins: [thirdPartyExternal],
    metafile: true,
    logLevel: 'warning',
  };
}

/** The packages a bundle requires: `pg`, `@nestjs/core`, … (subpaths folded, Node's own left out). */
export function requiredPackages(metafile: Metafile): string[] {
  const names = new Set<string>();
  for (const output of Object.values(metafile.outputs)) {
    for (const { path, external } of output.imports) {
      if (!external || path.startsWith('node:') || builtinModules.includes(path)) continue;
      names.add(
        path
          .split('/')
          .slice(0, path.startsWith('@') ? 2 : 1)
          .join('/'),
      );
    }
  }
  return [...names].sort();
}
