import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

/** The worked example: a package of its own (`examples/acme-pos`), outside `npm run build`. */
export const WORKED_EXAMPLE = resolve(__dirname, '../../../examples/acme-pos');

/** Its compiled modules, once `buildWorkedExample()` has run. */
export const workedExample = {
  integration: resolve(WORKED_EXAMPLE, 'dist/acme-pos.js'),
  harness: resolve(WORKED_EXAMPLE, 'dist/acme-pos.harness.js'),
};

/**
 * Compiles it with its own tsconfig.json into its own `dist/`, with this repository's
 * TypeScript; it finds the SDK in the repository's node_modules, as the workspace package.
 */
export function buildWorkedExample(): void {
  const tsc = require.resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', WORKED_EXAMPLE], { stdio: 'pipe' });
}
