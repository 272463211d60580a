import { execFileSync, spawnSync } from 'node:child_process';
import { KubeObject } from './render';
import { parseYamlDocuments } from './yaml-documents';

/**
 * Whether `kubectl` with a built-in kustomize of version 5 or later is on this machine: the
 * renderer follows kustomize 5, and the comparisons are skipped without it.
 */
export const HAS_KUBECTL = kustomizeMajor() >= 5;

function kustomizeMajor(): number {
  const run = spawnSync('kubectl', ['version', '--client', '-o', 'json'], { encoding: 'utf8' });
  if (run.status !== 0) return 0;
  try {
    const { kustomizeVersion } = JSON.parse(run.stdout) as { kustomizeVersion?: string };
    return Number(/^v?(\d+)/.exec(kustomizeVersion ?? '')?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** `kubectl kustomize dir`, parsed; reads only the directory. */
export function kubectlKustomize(dir: string): KubeObject[] {
  const output = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
  return parseYamlDocuments(output, `kubectl kustomize ${dir}`) as KubeObject[];
}

/** Sorted by apiVersion, kind, namespace and name: kustomize sorts by kind, the renderer not. */
export function byId(objects: KubeObject[]): KubeObject[] {
  const id = (o: KubeObject) =>
    [o.apiVersion, o.kind, o.metadata.namespace ?? '', o.metadata.name].join(' ');
  return [...objects].sort((a, b) => id(a).localeCompare(id(b)));
}
