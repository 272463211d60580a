import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { Client } from 'pg';
import { Started, startKafkaContainer, startPostgresContainer } from './support/containers';

/**
 * `npm test`: runs every unit test (`*.spec.js`) and end-to-end test (`*.e2e-spec.js`) of the
 * build with Node's test runner. End-to-end tests get a real broker and a real PostgreSQL:
 * those named by KAFKA_BROKERS and DATABASE_URL, or containers started here. Each run gets a
 * database of its own, dropped afterwards. Arguments filter the test files by substring;
 * options (`--test-name-pattern=…`) go to the test runner.
 */
async function main(): Promise<number> {
  const dist = resolve(__dirname, '..');
  const args = process.argv.slice(2);
  const filters = args.filter((arg) => !arg.startsWith('--'));
  const options = args.filter((arg) => arg.startsWith('--'));
  const files = findTests(dist).filter(
    (file) => filters.length === 0 || filters.some((f) => relative(dist, file).includes(f)),
  );
  if (files.length === 0) throw new Error(`no test file matches ${filters.join(' ')}`);

  const env = { ...process.env };
  const cleanups: Array<() => Promise<void>> = [];
  try {
    if (files.some((file) => file.endsWith('.e2e-spec.js'))) {
      env.KAFKA_BROKERS ??= await started(startKafkaContainer(), cleanups);
      const adminUrl = env.DATABASE_URL ?? (await started(startPostgresContainer(), cleanups));
      env.DATABASE_URL = await createRunDatabase(adminUrl, cleanups);
    }
    return await nodeTest(files, env, options);
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(console.error);
  }
}

function findTests(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : findTests(path);
    return /\.(e2e-)?spec\.js$/.test(entry.name) ? [path] : [];
  });
}

async function started(container: Promise<Started>, cleanups: Array<() => Promise<void>>) {
  const { url, stop } = await container;
  cleanups.push(stop);
  return url;
}

async function createRunDatabase(adminUrl: string, cleanups: Array<() => Promise<void>>) {
  const name = `pos_test_${Date.now()}_${process.pid}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  cleanups.push(async () => {
    const client = new Client({ connectionString: adminUrl });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.end();
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

function nodeTest(files: string[], env: NodeJS.ProcessEnv, options: string[]): Promise<number> {
  const args = ['--enable-source-maps', '--test', '--test-concurrency=1', '--test-reporter=spec'];
  const child = spawn(process.execPath, [...args, ...options, ...files], { env, stdio: 'inherit' });
  return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
