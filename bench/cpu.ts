import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

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
