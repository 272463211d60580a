import {
  IntegrationContext,
  PosIntegration,
  PosIntegrationFactory,
} from '@wix-pos-gateway/pos-sdk';
import { httpIntegration, kitchenInboxIntegration } from '@wix-pos-gateway/integrations';
import { createRequire } from 'node:module';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { LoadedIntegration } from './pos-integration.provider';
import { posLog } from './pos-log';

const BUILT_IN: ReadonlyMap<string, PosIntegrationFactory> = new Map([
  ['kitchen-inbox', kitchenInboxIntegration],
  ['http', httpIntegration],
]);

/** Built-ins' old names, loaded with a warning for one release. */
const RENAMED: ReadonlyMap<string, string> = new Map([['ledger', 'kitchen-inbox']]);

/**
 * Starts the integration `POS_INTEGRATION` names: a built-in (`kitchen-inbox`, `http`), a
 * module path (`./integrations/acme`, resolved from `cwd`: `POS_INTEGRATION_DIR`, else the
 * working directory) or a package installed there (`cwd/node_modules`, or above). The module
 * exports its factory as `default` (`export default definePosIntegration(...)`), as
 * `createIntegration`, or as the module itself.
 */
export async function loadIntegration(
  spec: string,
  context: Omit<IntegrationContext, 'log'>,
  cwd = process.cwd(),
): Promise<LoadedIntegration> {
  const { brand } = context;
  const current = RENAMED.get(spec) ?? spec;
  const builtIn = BUILT_IN.get(current);
  const factory = builtIn ?? factoryOf(spec, importModule(spec, cwd));
  const name = builtIn || !isPath(spec) ? current : basename(spec).replace(/\.[cm]?js$/, '');
  const log = posLog(brand, name);
  if (current !== spec)
    log.warn('integration.deprecated_name', { POS_INTEGRATION: spec, use: current });
  const integration: unknown = await factory({ ...context, log });
  if (typeof (integration as Partial<PosIntegration> | null)?.submitOrder !== 'function') {
    throw new Error(`POS_INTEGRATION ${spec}: its factory returned no submitOrder function`);
  }
  return { name, integration: integration as PosIntegration, log };
}

function importModule(spec: string, cwd: string): unknown {
  const path = isPath(spec) ? resolve(cwd, spec) : spec;
  try {
    return createRequire(join(cwd, 'package.json'))(path);
  } catch (error) {
    throw new Error(`POS_INTEGRATION ${spec} cannot be loaded from ${cwd}`, { cause: error });
  }
}

function factoryOf(spec: string, loaded: unknown): PosIntegrationFactory {
  const exports = loaded as { default?: unknown; createIntegration?: unknown } | undefined;
  const candidate = [loaded, exports?.default, exports?.createIntegration].find(
    (value) => typeof value === 'function',
  );
  if (!candidate) {
    throw new Error(
      `POS_INTEGRATION ${spec} exports no integration factory: export default definePosIntegration(...)`,
    );
  }
  return candidate as PosIntegrationFactory;
}

function isPath(spec: string): boolean {
  return spec.startsWith('.') || isAbsolute(spec);
}
