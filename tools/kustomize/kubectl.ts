import { execFileSync, spawnSync } from 'node:child_process';
import { KubeObject } from './render';
import { parseYamlDocuments } from './yaml-documents';

/** Whether `kubectl` (with its built-in kustomize) is on this machine; the tests skip without. */
export const HAS_KUBECTL =
  spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;

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
