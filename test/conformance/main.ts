import { UsageError } from '@wix-pos-gateway/runtime';
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { conformanceSuite } from './conformance-suite';
import { HarnessFactory } from '@wix-pos-gateway/pos-sdk';

const usage = `usage: npm run conformance -- --integration <kitchen-inbox|http|module path|package>
                               --harness <module path> [--brand <brand>] [--env KEY=VALUE ...]

Runs the conformance suite against a gateway and a worker it starts, on the Kafka broker and
PostgreSQL of KAFKA_BROKERS (default 127.0.0.1:9092) and DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/postgres). The harness module's default export drives
your POS (see test/conformance/harness.ts). Exits non-zero if any check fails.`;

function main(): void {
  const { values } = parseArgs({
    options: {
      integration: { type: 'string' },
      harness: { type: 'string' },
      brand: { type: 'string' },
      env: { type: 'string', multiple: true },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return void console.log(usage);
  if (!values.integration || !values.harness)
    throw new UsageError('--integration and --harness are required');
  process.env.KAFKA_BROKERS ||= '127.0.0.1:9092';
  process.env.DATABASE_URL ||= 'postgres://postgres@127.0.0.1:5432/postgres';
  const local = (spec: string) => (spec.startsWith('.') ? resolve(spec) : spec);
  conformanceSuite({
    integration: isAbsolute(values.integration) ? values.integration : local(values.integration),
    harness: harnessOf(local(values.harness)),
    brand: values.brand,
    workerEnv: Object.fromEntries((values.env ?? []).map(keyValue)),
  });
}

function harnessOf(path: string): HarnessFactory {
  const loaded = createRequire(join(process.cwd(), 'package.json'))(path) as {
    default?: unknown;
    createHarness?: unknown;
  };
  const factory = [loaded.default, loaded.createHarness, loaded].find(
    (f) => typeof f === 'function',
  );
  if (!factory) throw new UsageError(`${path} exports no harness factory (export default)`);
  return factory as HarnessFactory;
}

function keyValue(pair: string): [string, string] {
  const at = pair.indexOf('=');
  if (at < 1) throw new UsageError(`--env wants KEY=VALUE, got ${pair}`);
  return [pair.slice(0, at), pair.slice(at + 1)];
}

try {
  main();
} catch (error) {
  const usageError =
    error instanceof UsageError ||
    String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');
  console.error(usageError ? `${(error as Error).message}\n\n${usage}` : error);
  process.exit(usageError ? 2 : 1);
}
