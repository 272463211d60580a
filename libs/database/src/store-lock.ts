import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

/**
 * One process per embedded store: PGlite is a single-process database, and two writers on
 * one directory would corrupt it. The lock file holds the owner's pid; a lock whose owner is
 * gone is taken over.
 */
export function lockStore(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const file = `${dir}/worker.lock`;
  try {
    writeFileSync(file, String(process.pid), { flag: 'wx' });
  } catch {
    const owner = Number(readFileSync(file, 'utf8'));
    if (owner !== process.pid && alive(owner)) {
      throw new Error(
        `the embedded store ${dir} is in use by process ${owner}: one worker per embedded store ` +
          '(set DATABASE_URL to share a PostgreSQL between workers)',
      );
    }
    writeFileSync(file, String(process.pid));
  }
  return () => rmSync(file, { force: true });
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}
