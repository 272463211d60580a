import { HarnessFactory } from '@wix-pos-gateway/pos-sdk';
import { UsageError } from '@wix-pos-gateway/runtime';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** The harness factory a module exports: `default`, `createHarness`, or the module itself. */
export function loadHarness(spec: string, cwd = process.cwd()): HarnessFactory {
  const loaded = createRequire(join(cwd, 'package.json'))(spec) as {
    default?: unknown;
    createHarness?: unknown;
  };
  const factory = [loaded.default, loaded.createHarness, loaded].find(
    (f) => typeof f === 'function',
  );
  if (!factory) throw new UsageError(`${spec} exports no harness factory (export default)`);
  return factory as HarnessFactory;
}
