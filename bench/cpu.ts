import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** CPU seconds a process has used, with those of its children it has waited for. */
function cpuOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
    // utime, stime, cutime, cstime: fields 14–17 of proc(5), 12–15 after "pid (comm) "
    return (fields[11] + fields[12] + fields[13] + fields[14]) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

function commandOf(pid: string): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/** Processes found by their command line: the broker (`kafka.Kafka`), PostgreSQL's postmaster. */
export function findPids(pattern: RegExp): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name) && pattern.test(commandOf(name)))
    .map(Number);
}

/** CPU used by named groups of processes between `start()` and `stop()`, in seconds. */
export class CpuMeter {
  private before = new Map<string, number>();

  constructor(private readonly groups: Record<string, () => number[]>) {}

  private read(): Map<string, number> {
    const now = new Map<string, number>();
    for (const [name, pids] of Object.entries(this.groups)) {
      now.set(
        name,
        pids().reduce((sum, pid) => sum + cpuOf(pid), 0),
      );
    }
    return now;
  }

  start(): void {
    this.before = this.read();
  }

  stop(): Record<string, number> {
    const after = this.read();
    return Object.fromEntries(
      [...after].map(([name, value]) => [
        name,
        Math.round((value - (this.before.get(name) ?? 0)) * 100) / 100,
      ]),
    );
  }
}

/** The machine's busy and total CPU ticks since boot, from the first line of /proc/stat. */
function machineTicks(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1);
  const ticks = fields.slice(0, 8).map(Number);
  // user nice system idle iowait irq softirq steal: idle and iowait are not busy
  const total = ticks.reduce((sum, n) => sum + n, 0);
  return { busy: total - ticks[3] - ticks[4], total };
}

/**
 * Waits until the whole machine is quiet (under `busyShare` of its CPU for one `windowMs`),
 * for at least `minMs` and at most `maxMs`: what one load leaves behind (a backlog the workers
 * still work through, answers settled late, voids, autovacuum) is not the next load's cost.
 * Resolves to the seconds waited, how many windows it read, and whether the machine got quiet.
 */
export async function settle({
  minMs = 1_000,
  maxMs = 30_000,
  windowMs = 1_000,
  busyShare = 0.25,
} = {}): Promise<{ seconds: number; windows: number; quiet: boolean }> {
  const started = performance.now();
  await sleep(minMs);
  for (let windows = 1; ; windows++) {
    const before = machineTicks();
    await sleep(windowMs);
    const after = machineTicks();
    const share = (after.busy - before.busy) / Math.max(1, after.total - before.total);
    const seconds = Math.round((performance.now() - started) / 100) / 10;
    if (share < busyShare) return { seconds, windows, quiet: true };
    if (performance.now() - started >= maxMs) return { seconds, windows, quiet: false };
  }
}
