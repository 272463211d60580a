import { build } from 'esbuild';
import { cpSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { KIT, ROOT, bundleOptions, requiredPackages } from './kit-bundle';

/**
 * `npm run bundle -w @wix-pos-gateway/pos-conformance` (and `prepack`), after `npm run build`:
 * the kit's command, the gateway and the worker as single files in `libs/pos-conformance/dist`,
 * with the local broker's script beside them.
 */
async function main(): Promise<void> {
  const out = resolve(KIT, 'dist');
  rmSync(out, { recursive: true, force: true });
  const { metafile } = await build(bundleOptions());
  cpSync(resolve(ROOT, 'scripts/kafka'), resolve(out, 'kafka'), { recursive: true });
  const packages = requiredPackages(metafile ?? { inputs: {}, outputs: {} });
  console.log(`pos-conformance: bundled into ${out}; requires ${packages.join(', ')}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
