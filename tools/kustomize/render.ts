import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { parseYamlDocuments } from './yaml-documents';

/**
 * `kustomize build`, offline, for the features deploy/kubernetes uses and no others: resources
 * (files, and directories with a kustomization.yaml, recursively), namespace, namePrefix,
 * nameSuffix, labels (includeSelectors, includeTemplates) and strategic-merge patches
 * (`patches: - path:`, each document's target named by its apiVersion, kind and name). It takes
 * the kinds of those manifests only. Anything else it refuses, naming it, rather than render it
 * differently from kustomize. The transformers run in kustomize's order: patches, namespace,
 * namePrefix, nameSuffix, labels. Resources keep their order (kustomize sorts them by kind).
 */
export function renderKustomization(dir: string): KubeObject[] {
  const resources = build(resolve(dir), []);
  refuseBackReferences(resources);
  return resources.map(({ object }) => {
    // kustomize leaves out annotations when there are none.
    const { annotations } = object.metadata;
    if (isRecord(annotations) && Object.keys(annotations).length === 0) {
      delete object.metadata.annotations;
    }
    return object;
  });
}

/** One Kubernetes object, as YAML gives it. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    [field: string]: unknown;
  };
  [field: string]: unknown;
}

/** The kinds this renderer knows how to label, patch and rename, by apiVersion. */
const KINDS: Record<string, { apiVersions: string[]; schema: 'builtin' | 'none' }> = {
  ConfigMap: { apiVersions: ['v1'], schema: 'builtin' },
  Service: { apiVersions: ['v1'], schema: 'builtin' },
  Deployment: { apiVersions: ['apps/v1'], schema: 'builtin' },
  HorizontalPodAutoscaler: { apiVersions: ['autoscaling/v2'], schema: 'builtin' },
  PodDisruptionBudget: { apiVersions: ['policy/v1'], schema: 'builtin' },
  // Custom resources: kustomize has no schema for them, so a patch replaces their lists.
  ServiceMonitor: { apiVersions: ['monitoring.coreos.com/v1'], schema: 'none' },
  ScaledObject: { apiVersions: ['keda.sh/v1alpha1'], schema: 'none' },
  TriggerAuthentication: { apiVersions: ['keda.sh/v1alpha1'], schema: 'none' },
};

const KUSTOMIZATION_FIELDS = new Set([
  'apiVersion',
  'kind',
  'resources',
  'namespace',
  'namePrefix',
  'nameSuffix',
  'labels',
  'patches',
]);

/** An object and the names it had before a prefix, suffix or namespace changed them. */
interface Resource {
  object: KubeObject;
  previousIds: Array<{ name: string; namespace: string }>;
}

function build(dir: string, parents: string[]): Resource[] {
  if (parents.includes(dir)) throw new Error(`${dir}: includes itself`);
  const file = join(dir, 'kustomization.yaml');
  if (!existsSync(file)) throw new Error(`${dir}: no kustomization.yaml`);
  const kustomization = readKustomization(file);

  const resources: Resource[] = [];
  for (const entry of stringList(kustomization.resources, file, 'resources')) {
    const path = resolve(dir, entry);
    if (!existsSync(path)) throw new Error(`${file}: resource ${entry} does not exist`);
    const loaded = statSync(path).isDirectory()
      ? build(path, [...parents, dir])
      : readObjects(path).map((object) => ({ object, previousIds: [] }));
    for (const resource of loaded) {
      if (resources.some((other) => sameId(other.object, resource.object))) {
        throw new Error(`${file}: ${describe(resource.object)} is there twice`);
      }
      resources.push(resource);
    }
  }

  for (const patch of patchEntries(kustomization.patches, dir, file)) {
    applyPatchFile(resources, patch, file);
  }
  if (kustomization.namespace !== undefined) {
    const namespace = text(kustomization.namespace, file, 'namespace');
    for (const resource of resources) {
      rename(resource, resource.object.metadata.name, namespace);
    }
  }
  const prefix = kustomization.namePrefix;
  const suffix = kustomization.nameSuffix;
  if (prefix !== undefined || suffix !== undefined) {
    const before = prefix === undefined ? '' : text(prefix, file, 'namePrefix');
    const after = suffix === undefined ? '' : text(suffix, file, 'nameSuffix');
    for (const resource of resources) {
      const { name, namespace } = resource.object.metadata;
      rename(resource, `${before}${name}${after}`, namespace);
    }
  }
  for (const label of labelEntries(kustomization.labels, file)) {
    for (const resource of resources) applyLabels(resource.object, label);
  }
  return resources;
}

function readKustomization(file: string): Record<string, unknown> {
  const [kustomization, ...more] = parseYamlDocuments(readFileSync(file, 'utf8'), file, true);
  if (!isRecord(kustomization) || more.length > 0) {
    throw new Error(`${file}: not one kustomization`);
  }
  for (const field of Object.keys(kustomization)) {
    if (!KUSTOMIZATION_FIELDS.has(field)) {
      throw new Error(`${file}: ${field} is not implemented by tools/kustomize/render.ts`);
    }
  }
  const { apiVersion, kind } = kustomization;
  if (apiVersion !== undefined && apiVersion !== 'kustomize.config.k8s.io/v1beta1') {
    throw new Error(`${file}: apiVersion ${JSON.stringify(apiVersion)} is not implemented`);
  }
  if (kind !== undefined && kind !== 'Kustomization') {
    throw new Error(`${file}: kind ${JSON.stringify(kind)} is not implemented`);
  }
  return kustomization;
}

function readObjects(file: string): KubeObject[] {
  return parseYamlDocuments(readFileSync(file, 'utf8'), file).map((value) => {
    if (!isKubeObject(value)) {
      throw new Error(`${file}: a document without apiVersion, kind and metadata.name`);
    }
    const known = KINDS[value.kind];
    if (!known?.apiVersions.includes(value.apiVersion)) {
      throw new Error(
        `${file}: ${value.apiVersion} ${value.kind} is not handled by tools/kustomize/render.ts`,
      );
    }
    return value;
  });
}

function rename(resource: Resource, name: string, namespace: string | undefined): void {
  const { metadata } = resource.object;
  resource.previousIds.push({ name: metadata.name, namespace: metadata.namespace ?? '' });
  metadata.name = name;
  if (namespace !== undefined) metadata.namespace = namespace;
}

/**
 * kustomize rewrites references to a renamed object in the objects that refer to it (its
 * `nameReference` configuration). Of the kinds here, a HorizontalPodAutoscaler refers to a
 * Deployment, and a Deployment to a ConfigMap. This renderer does not rewrite them: it refuses
 * an output that would need it.
 */
function refuseBackReferences(resources: Resource[]): void {
  for (const { object, previousIds } of resources) {
    const oldNames = previousIds
      .map((id) => id.name)
      .filter((name) => name !== object.metadata.name);
    if (oldNames.length === 0) continue;
    const referrers = resources.filter(({ object: other }) =>
      referencedNames(other, object.kind).some((name) => oldNames.includes(name)),
    );
    if (referrers.length > 0) {
      throw new Error(
        `${describe(object)} was renamed, and ${describe(referrers[0].object)} refers to it: ` +
          'name references are not implemented by tools/kustomize/render.ts',
      );
    }
  }
}

/** The names of objects of `kind` that `object` refers to, where kustomize would follow them. */
function referencedNames(object: KubeObject, kind: string): string[] {
  if (kind === 'Deployment' && object.kind === 'HorizontalPodAutoscaler') {
    const target = at(object, ['spec', 'scaleTargetRef']);
    return isRecord(target) && target.kind === 'Deployment' ? [String(target.name)] : [];
  }
  if (kind === 'ConfigMap' && object.kind === 'Deployment') {
    const pod = at(object, ['spec', 'template', 'spec']);
    const containers = ['containers', 'initContainers'].flatMap((field) => list(pod, field));
    return [
      ...containers.flatMap((c) => list(c, 'envFrom').map((e) => at(e, ['configMapRef', 'name']))),
      ...containers.flatMap((c) =>
        list(c, 'env').map((e) => at(e, ['valueFrom', 'configMapKeyRef', 'name'])),
      ),
      ...list(pod, 'volumes').map((v) => at(v, ['configMap', 'name'])),
      ...list(pod, 'volumes').flatMap((v) =>
        list(at(v, ['projected']), 'sources').map((s) => at(s, ['configMap', 'name'])),
      ),
    ].filter((name): name is string => typeof name === 'string');
  }
  return [];
}

// --- labels --------------------------------------------------------------------------------

interface LabelEntry {
  pairs: Record<string, string>;
  includeSelectors: boolean;
  includeTemplates: boolean;
}

/** Where kustomize puts a label, for the kinds above (its builtin `commonLabels` field specs). */
interface FieldSpec {
  path: string;
  kind?: string;
  group?: string;
  version?: string;
  create: boolean;
}

const METADATA_LABELS: FieldSpec[] = [{ path: 'metadata/labels', create: true }];
const TEMPLATE_LABELS: FieldSpec[] = [
  ...METADATA_LABELS,
  { path: 'spec/template/metadata/labels', kind: 'Deployment', create: true },
];
const SELECTOR_LABELS: FieldSpec[] = [
  { path: 'spec/selector', kind: 'Service', version: 'v1', create: true },
  { path: 'spec/selector/matchLabels', kind: 'Deployment', create: true },
  ...[
    'podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm',
    'podAffinity/requiredDuringSchedulingIgnoredDuringExecution',
    'podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm',
    'podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution',
  ].map((term) => ({
    path: `spec/template/spec/affinity/${term}/labelSelector/matchLabels`,
    kind: 'Deployment',
    group: 'apps',
    create: false,
  })),
  {
    path: 'spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels',
    kind: 'Deployment',
    group: 'apps',
    create: false,
  },
  {
    path: 'spec/selector/matchLabels',
    kind: 'PodDisruptionBudget',
    group: 'policy',
    create: false,
  },
  ...TEMPLATE_LABELS,
];

function labelEntries(value: unknown, file: string): LabelEntry[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new Error(`${file}: labels is not a list`);
  return value.map((entry: unknown) => {
    if (!isRecord(entry)) throw new Error(`${file}: a labels entry is not a map`);
    for (const field of Object.keys(entry)) {
      if (!['pairs', 'includeSelectors', 'includeTemplates'].includes(field)) {
        throw new Error(`${file}: labels ${field} is not implemented by tools/kustomize/render.ts`);
      }
    }
    const { pairs, includeSelectors = false, includeTemplates = false } = entry;
    if (
      !isRecord(pairs) ||
      !Object.values(pairs).every((v) => typeof v === 'string') ||
      typeof includeSelectors !== 'boolean' ||
      typeof includeTemplates !== 'boolean'
    ) {
      throw new Error(`${file}: labels need pairs of strings and true or false includes`);
    }
    return { pairs: pairs as Record<string, string>, includeSelectors, includeTemplates };
  });
}

function applyLabels(object: KubeObject, label: LabelEntry): void {
  const specs = label.includeSelectors
    ? SELECTOR_LABELS
    : label.includeTemplates
      ? TEMPLATE_LABELS
      : METADATA_LABELS;
  const [group, version] = groupVersion(object.apiVersion);
  for (const spec of specs) {
    if (spec.kind !== undefined && spec.kind !== object.kind) continue;
    if (spec.group !== undefined && spec.group !== group) continue;
    if (spec.version !== undefined && spec.version !== version) continue;
    setLabels(object, spec.path.split('/'), label.pairs, spec.create, describe(object));
  }
}

/** Merges `pairs` into the map at `path`, through every item of a list on the way. */
function setLabels(
  node: unknown,
  path: string[],
  pairs: Record<string, string>,
  create: boolean,
  where: string,
): void {
  if (Array.isArray(node)) {
    for (const item of node) setLabels(item, path, pairs, create, where);
    return;
  }
  if (!isRecord(node)) throw new Error(`${where}: ${path.join('/')} is not under a map`);
  const [field, ...rest] = path;
  if (node[field] === undefined || node[field] === null) {
    if (!create) return;
    node[field] = {};
  }
  if (rest.length > 0) return setLabels(node[field], rest, pairs, create, where);
  const labels = node[field];
  if (!isRecord(labels)) throw new Error(`${where}: ${field} is not a map`);
  Object.assign(labels, pairs);
}

// --- patches -------------------------------------------------------------------------------

function patchEntries(value: unknown, dir: string, file: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new Error(`${file}: patches is not a list`);
  return value.map((entry: unknown) => {
    const fields = isRecord(entry) ? Object.keys(entry) : [];
    if (!isRecord(entry) || fields.length !== 1 || typeof entry.path !== 'string') {
      throw new Error(
        `${file}: a patch other than { path } (${fields.join(', ')}) is not implemented by tools/kustomize/render.ts`,
      );
    }
    const path = resolve(dir, entry.path);
    const inside = relative(dir, path);
    if (inside.startsWith('..') || isAbsolute(inside)) {
      throw new Error(`${file}: patch ${entry.path} is outside the kustomization's directory`);
    }
    return path;
  });
}

function applyPatchFile(resources: Resource[], path: string, file: string): void {
  for (const patch of parseYamlDocuments(readFileSync(path, 'utf8'), path)) {
    if (!isKubeObject(patch)) {
      throw new Error(`${path}: a patch without apiVersion, kind and metadata.name`);
    }
    const targets = resources.filter((resource) => isTarget(resource, patch));
    if (targets.length !== 1) {
      throw new Error(
        `${file}: ${targets.length === 0 ? 'no' : 'more than one'} resource matches the patch of ${describe(patch)} in ${path}`,
      );
    }
    const { object } = targets[0];
    const { kind, metadata } = object;
    const { name, namespace } = metadata;
    const schema = KINDS[kind].schema;
    const merged = mergeMap(object, patch, { kind, schema, path: [] });
    // As kustomize does: a patch changes neither the kind nor the name nor the namespace.
    Object.assign(merged, { kind });
    Object.assign(merged.metadata as object, { name });
    if (namespace === undefined) delete (merged.metadata as KubeObject['metadata']).namespace;
    else (merged.metadata as KubeObject['metadata']).namespace = namespace;
    targets[0].object = merged as KubeObject;
  }
}

/** Whether `patch` (no namespace: the default one) names `resource`, now or before a rename. */
function isTarget(resource: Resource, patch: KubeObject): boolean {
  const { object } = resource;
  if (object.apiVersion !== patch.apiVersion || object.kind !== patch.kind) return false;
  const wanted = { name: patch.metadata.name, namespace: patch.metadata.namespace ?? '' };
  const current = { name: object.metadata.name, namespace: object.metadata.namespace ?? '' };
  return [...resource.previousIds, current].some(
    (id) => id.name === wanted.name && sameNamespace(id.namespace, wanted.namespace),
  );
}

interface MergeContext {
  kind: string;
  schema: 'builtin' | 'none';
  /** Field names from the object's root, list items left out. */
  path: string[];
}

/**
 * Lists of a Deployment that kustomize merges item by item (the Kubernetes schema's
 * `x-kubernetes-patch-merge-key`), and those it replaces; a patch of any other list of a
 * built-in kind is refused. Lists of custom resources are replaced: kustomize has no schema
 * for them.
 */
const MERGED_LISTS: Record<string, string> = {
  'spec.template.spec.containers': 'name',
  'spec.template.spec.initContainers': 'name',
  'spec.template.spec.volumes': 'name',
  'spec.template.spec.containers.env': 'name',
  'spec.template.spec.initContainers.env': 'name',
  'spec.template.spec.containers.volumeMounts': 'mountPath',
  'spec.template.spec.initContainers.volumeMounts': 'mountPath',
};
const REPLACED_LISTS = new Set(
  ['containers', 'initContainers'].flatMap((c) =>
    ['command', 'args', 'envFrom'].map((field) => `spec.template.spec.${c}.${field}`),
  ),
);

function merge(target: unknown, patch: unknown, context: MergeContext): unknown {
  const where = `${context.kind} ${context.path.join('.')}`;
  if (patch === null) throw new Error(`${where}: null (delete) in a patch is not implemented`);
  const absent = target === undefined || target === null;
  if (isRecord(patch)) {
    if (absent) return mergeMap({}, patch, context);
    if (!isRecord(target)) throw new Error(`${where}: a map patches a value that is not one`);
    return mergeMap(target, patch, context);
  }
  if (Array.isArray(patch)) {
    if (absent) return mergeList([], patch, context);
    if (!Array.isArray(target)) throw new Error(`${where}: a list patches a value that is not one`);
    return mergeList(target, patch, context);
  }
  return patch;
}

function mergeMap(
  target: Record<string, unknown>,
  patch: Record<string, unknown>,
  context: MergeContext,
): Record<string, unknown> {
  const result = { ...target };
  for (const [field, value] of Object.entries(patch)) {
    if (field.startsWith('$')) {
      throw new Error(`${context.kind}: the patch directive ${field} is not implemented`);
    }
    result[field] = merge(target[field], value, { ...context, path: [...context.path, field] });
  }
  return result;
}

/**
 * As kustomize merges a list by key: the patch's items first, in its order, each merged into
 * the target's item with the same key, then the target's other items, in their order.
 */
function mergeList(target: unknown[], patch: unknown[], context: MergeContext): unknown[] {
  const path = context.path.join('.');
  if (context.schema === 'none' || REPLACED_LISTS.has(path)) return patch;
  const key = MERGED_LISTS[path];
  if (key === undefined) {
    throw new Error(
      `${context.kind} ${path}: patching this list is not implemented by tools/kustomize/render.ts`,
    );
  }
  const keyOf = (item: unknown): string => {
    if (!isRecord(item) || typeof item[key] !== 'string') {
      throw new Error(`${context.kind} ${path}: an item without ${key}`);
    }
    return item[key];
  };
  const patchKeys = patch.map(keyOf);
  if (new Set(patchKeys).size !== patchKeys.length) {
    throw new Error(`${context.kind} ${path}: the patch names an item twice`);
  }
  const merged = patch.map((item, i) =>
    merge(
      target.find((old) => keyOf(old) === patchKeys[i]),
      item,
      context,
    ),
  );
  return [...merged, ...target.filter((old) => !patchKeys.includes(keyOf(old)))];
}

// --- helpers -------------------------------------------------------------------------------

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isKubeObject(value: unknown): value is KubeObject {
  return (
    isRecord(value) &&
    typeof value.apiVersion === 'string' &&
    typeof value.kind === 'string' &&
    isRecord(value.metadata) &&
    typeof value.metadata.name === 'string'
  );
}

function at(node: unknown, path: string[]): unknown {
  return path.reduce<unknown>((value, field) => (isRecord(value) ? value[field] : undefined), node);
}

function list(node: unknown, field: string): unknown[] {
  const value = isRecord(node) ? node[field] : undefined;
  return Array.isArray(value) ? (value as unknown[]) : [];
}

function text(value: unknown, file: string, field: string): string {
  if (typeof value !== 'string') throw new Error(`${file}: ${field} is not a string`);
  return value;
}

function stringList(value: unknown, file: string, field: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new Error(`${file}: ${field} is not a list of strings`);
  }
  return value;
}

function groupVersion(apiVersion: string): [group: string, version: string] {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? ['', apiVersion] : [apiVersion.slice(0, slash), apiVersion.slice(slash + 1)];
}

/** kustomize takes no namespace and `default` for the same one. */
function sameNamespace(a: string, b: string): boolean {
  return (a || 'default') === (b || 'default');
}

function sameId(a: KubeObject, b: KubeObject): boolean {
  return (
    a.apiVersion === b.apiVersion &&
    a.kind === b.kind &&
    a.metadata.name === b.metadata.name &&
    sameNamespace(a.metadata.namespace ?? '', b.metadata.namespace ?? '')
  );
}

export function describe(object: KubeObject): string {
  const { namespace, name } = object.metadata;
  return `${object.kind} ${namespace ? `${namespace}/` : ''}${name}`;
}
