#!/usr/bin/env node
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { RunServices, stopOnSignals } from '../../../test/support/services';
import { isUsageError, readKitOptions, usage } from './kit-options';
import { useKitFiles } from './kit-files';

/**
 * `pos-conformance`: finds or starts a broker and a PostgreSQL server, as `npm test` does
 * (test/support/services.ts), then runs the checks (conformance-run.ts) in a process of their
 * own, under Node's test runner, and exits with its code.
 */
async function main(args: string[]): Promise<number> {
  if (!readKitOptions(args)) {
    console.log(usage);
    return 0;
  }
  useKitFiles();
  const services = new RunServices({
    who: 'conformance',
    databasePrefix: 'pos_conformance',
    durable: false,
    stoppedByTests: false,
  });
  let child: ChildProcess | undefined;
  stopOnSignals(async (signal) => {
    if (child?.pid) process.kill(-child.pid, signal);
    await services.stop();
  });
  try {
    const env: NodeJS.ProcessEnv = { ...process.env, ...(await services.start(process.env)) };
    // Run from another test file (a vendor's own suite), the checks still report as a run.
    delete env.NODE_TEST_CONTEXT;
    const run = join(__dirname, 'conformance-run.js');
    // A process group of its own, with the gateway and worker it starts: a signal reaches all.
    child = spawn(process.execPath, ['--test-reporter=spec', run, ...args], {
      env,
      detached: true,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const running = child;
    return await new Promise<number>((done) => running.on('exit', (code) => done(code ?? 1)));
  } finally {
    await services.stop();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(isUsageError(error) ? `${(error as Error).message}\n\n${usage}` : error);
    process.exit(isUsageError(error) ? 2 : 1);
  },
);
