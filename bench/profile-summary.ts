import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  process: string;
  totalMs: number;
  /** Self time by where the code comes from: a package, a file of ours, Node.js, GC. */
  byOrigin: Array<[string, number]>;
  byFunction: Array<[string, number]>;
}

/** Where a frame's code comes from, as a reader of a profile groups it. */
function originOf({ url, functionName }: ProfileNode['callFrame']): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node';
  const packages = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (packages) return packages[1];
  const ours = /\/(apps|libs|bench|test)\/(.*)$/.exec(url);
  return ours
    ? `${ours[1]}/${ours[2]
        .split('/')
        .slice(0, ours[1] === 'libs' ? 1 : 3)
        .join('/')}`
    : url;
}

function top(totals: Map<string, number>, count: number): Array<[string, number]> {
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, us]) => [name, Math.round(us / 100) / 10]);
}

/** Self time of each process's `.cpuprofile` in `dir`, grouped by origin and by function. */
export function summarizeProfiles(dir: string, count = 12): ProfileSummary[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.cpuprofile'))
    .map((file) => {
      const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
      const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
      const byOrigin = new Map<string, number>();
      const byFunction = new Map<string, number>();
      let total = 0;
      profile.samples.forEach((id, i) => {
        const frame = nodes.get(id)!.callFrame;
        const us = profile.timeDeltas[i] ?? 0;
        if (frame.functionName === '(idle)') return;
        total += us;
        const origin = originOf(frame);
        byOrigin.set(origin, (byOrigin.get(origin) ?? 0) + us);
        const name = `${frame.functionName || '(anonymous)'} ${origin}:${frame.lineNumber + 1}`;
        byFunction.set(name, (byFunction.get(name) ?? 0) + us);
      });
      return {
        process: file.replace(/\.cpuprofile$/, ''),
        totalMs: Math.round(total / 1000),
        byOrigin: top(byOrigin, count),
        byFunction: top(byFunction, count),
      };
    });
}

export function printProfiles(summaries: ProfileSummary[]): void {
  for (const { process, totalMs, byOrigin, byFunction } of summaries) {
    console.log(`\n${process}: ${totalMs} ms of CPU sampled (idle left out)`);
    const share = (ms: number) => `${((100 * ms) / totalMs).toFixed(1)} %`;
    console.log('  by origin:');
    for (const [name, ms] of byOrigin) console.log(`    ${share(ms).padStart(7)}  ${name}`);
    console.log('  by function:');
    for (const [name, ms] of byFunction) console.log(`    ${share(ms).padStart(7)}  ${name}`);
  }
}

if (require.main === module) {
  printProfiles(summarizeProfiles(process.argv[2] ?? '.', Number(process.argv[3] ?? 15)));
}
