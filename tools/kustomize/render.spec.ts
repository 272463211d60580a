import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { byId, HAS_KUBECTL, kubectlKustomize } from './kubectl';
import { KubeObject, renderKustomization } from './render';

const root = mkdtempSync(join(tmpdir(), 'kustomize-render-'));
after(() => rmSync(root, { recursive: true, force: true }));
let fixtures = 0;

/** A directory of the given files, for one test. */
function fixture(files: Record<string, string>): string {
  const dir = join(root, String(++fixtures));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** Renders `dir`, and checks the result against `kubectl kustomize` where kubectl is. */
function render(dir: string): KubeObject[] {
  const objects = renderKustomization(dir);
  if (HAS_KUBECTL) assert.deepEqual(byId(objects), byId(kubectlKustomize(dir)));
  return objects;
}

function find(objects: KubeObject[], kind: string, name: string): KubeObject {
  const object = objects.find((o) => o.kind === kind && o.metadata.name === name);
  assert.ok(object, `${kind} ${name} in ${objects.map((o) => o.metadata.name).join(', ')}`);
  return object;
}

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  selector:
    matchLabels: { app: app }
  template:
    metadata:
      labels: { app: app }
    spec:
      containers:
        - name: app
          image: app
          env:
            - { name: A, value: a }
            - { name: B, value: b }
            - name: C
              valueFrom:
                secretKeyRef: { name: secret-x, key: C }
        - name: side
          image: side
`;
const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: app
spec:
  selector: { app: app }
  ports: [{ name: http, port: 80 }]
`;
const SCALED_OBJECT = `apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata:
  name: app
spec:
  scaleTargetRef: { name: app }
  triggers:
    - type: kafka
      metadata: { topic: t, lagThreshold: '5' }
      authenticationRef: { name: auth }
`;
const PDB = `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: app
spec:
  maxUnavailable: 1
  selector:
    matchLabels: { app: app }
`;
const HPA = `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: app
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: app }
  maxReplicas: 3
`;

function kustomization(fields: string): string {
  return `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n${fields}`;
}

describe('kustomize renderer', () => {
  it('reads resources from files, several documents each, and from directories, recursively', () => {
    const dir = fixture({
      'kustomization.yaml': kustomization('resources: [service.yaml, lower]\n'),
      'service.yaml': SERVICE,
      'lower/kustomization.yaml': kustomization('resources: [objects.yaml, deeper]\n'),
      'lower/objects.yaml': `${DEPLOYMENT}---\n${PDB}---\n`,
      'lower/deeper/kustomization.yaml': kustomization('resources: [hpa.yaml]\n'),
      'lower/deeper/hpa.yaml': HPA,
    });
    const objects = render(dir);
    assert.deepEqual(
      objects.map((o) => o.kind),
      ['Service', 'Deployment', 'PodDisruptionBudget', 'HorizontalPodAutoscaler'],
    );
  });

  it('sets the namespace, prefix and suffix of every name', () => {
    const dir = fixture({
      'kustomization.yaml': kustomization(
        'namespace: shop\nnamePrefix: pre-\nnameSuffix: -post\nresources: [objects.yaml]\n',
      ),
      'objects.yaml': `${SERVICE}---\n${SCALED_OBJECT}`,
    });
    const objects = render(dir);
    assert.deepEqual(
      objects.map((o) => `${o.metadata.namespace}/${o.metadata.name}`),
      ['shop/pre-app-post', 'shop/pre-app-post'],
    );
    // kustomize leaves references in custom resources alone.
    assert.deepEqual(find(objects, 'ScaledObject', 'pre-app-post').spec, {
      scaleTargetRef: { name: 'app' },
      triggers: [
        {
          type: 'kafka',
          metadata: { topic: 't', lagThreshold: '5' },
          authenticationRef: { name: 'auth' },
        },
      ],
    });
  });

  it('puts labels on metadata only, on pod templates too, or on selectors as well', () => {
    const dir = fixture({
      'kustomization.yaml': kustomization(`resources: [objects.yaml]
labels:
  - pairs: { plain: x }
  - pairs: { template: t }
    includeTemplates: true
  - pairs: { selector: z }
    includeSelectors: true
`),
      'objects.yaml': [DEPLOYMENT, SERVICE, PDB, SCALED_OBJECT].join('---\n'),
    });
    const objects = render(dir);
    const all = { plain: 'x', template: 't', selector: 'z' };
    for (const object of objects) assert.deepEqual(object.metadata.labels, all);
    const deployment = find(objects, 'Deployment', 'app');
    assert.deepEqual(deployment.spec, {
      ...(deployment.spec as object),
      selector: { matchLabels: { app: 'app', selector: 'z' } },
      template: {
        ...(deployment.spec as { template: object }).template,
        metadata: { labels: { app: 'app', template: 't', selector: 'z' } },
      },
    });
    assert.deepEqual((find(objects, 'Service', 'app').spec as { selector: object }).selector, {
      app: 'app',
      selector: 'z',
    });
    const budget = find(objects, 'PodDisruptionBudget', 'app').spec as { selector: object };
    assert.deepEqual(budget.selector, { matchLabels: { app: 'app', selector: 'z' } });
    // Not a selector kustomize knows of.
    assert.deepEqual(
      (find(objects, 'ScaledObject', 'app').spec as { triggers: unknown }).triggers,
      [
        {
          type: 'kafka',
          metadata: { topic: 't', lagThreshold: '5' },
          authenticationRef: { name: 'auth' },
        },
      ],
    );
  });

  it('merges patches: maps by field, containers and env by name, patched items first', () => {
    const dir = fixture({
      'kustomization.yaml': kustomization(
        'resources: [objects.yaml]\npatches:\n  - path: patch.yaml\n',
      ),
      'objects.yaml': DEPLOYMENT,
      'patch.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
  labels: { patched: 'yes' }
spec:
  template:
    spec:
      containers:
        - name: app
          env:
            - name: C
              valueFrom:
                secretKeyRef: { name: secret-y }
            - { name: D, value: d }
            - { name: A, value: a2 }
`,
    });
    const [deployment] = render(dir);
    assert.deepEqual(deployment.metadata, { name: 'app', labels: { patched: 'yes' } });
    const { containers } = (deployment.spec as { template: { spec: { containers: object[] } } })
      .template.spec;
    assert.deepEqual(containers, [
      {
        name: 'app',
        image: 'app',
        env: [
          { name: 'C', valueFrom: { secretKeyRef: { name: 'secret-y', key: 'C' } } },
          { name: 'D', value: 'd' },
          { name: 'A', value: 'a2' },
          { name: 'B', value: 'b' },
        ],
      },
      { name: 'side', image: 'side' },
    ]);
  });

  it('replaces the lists of custom resources, and finds targets by their names before a suffix', () => {
    const dir = fixture({
      'kustomization.yaml': kustomization('resources: [lower]\npatches:\n  - path: patches.yaml\n'),
      'lower/kustomization.yaml': kustomization('nameSuffix: -x\nresources: [objects.yaml]\n'),
      'lower/objects.yaml': `${SCALED_OBJECT}---\n${SERVICE}`,
      'patches.yaml': `apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata:
  name: app
spec:
  triggers:
    - type: kafka
      metadata: { topic: u }
---
apiVersion: v1
kind: Service
metadata:
  name: app-x
spec:
  type: ClusterIP
`,
    });
    const objects = render(dir);
    assert.deepEqual(find(objects, 'ScaledObject', 'app-x').spec, {
      scaleTargetRef: { name: 'app' },
      triggers: [{ type: 'kafka', metadata: { topic: 'u' } }],
    });
    assert.equal((find(objects, 'Service', 'app-x').spec as { type: string }).type, 'ClusterIP');
  });

  it('reads YAML as kustomize does: an unquoted on is a string, 0644 an octal number', () => {
    const dir = fixture({
      'kustomization.yaml': kustomization('resources: [objects.yaml]\n'),
      'objects.yaml': `apiVersion: v1
kind: ConfigMap
metadata: { name: m, labels: {}, annotations: {} }
data: { A: on, B: y, C: 'off', D: '12' }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: d }
spec:
  selector: { matchLabels: { app: d } }
  template:
    metadata: { labels: { app: d } }
    spec:
      containers: [{ name: d, image: d }]
      volumes: [{ name: v, secret: { secretName: s, defaultMode: 0644 } }]
`,
    });
    const [configMap, deployment] = render(dir);
    assert.deepEqual(configMap.data, { A: 'on', B: 'y', C: 'off', D: '12' });
    // Empty annotations are left out, empty labels not.
    assert.deepEqual(configMap.metadata, { name: 'm', labels: {} });
    const spec = deployment.spec as { template: { spec: { volumes: [{ secret: object }] } } };
    assert.deepEqual(spec.template.spec.volumes[0].secret, { secretName: 's', defaultMode: 0o644 });
  });

  const refusals: [string, Record<string, string>, RegExp][] = [
    [
      'a directory without kustomization.yaml',
      { 'kustomization.yaml': 'resources: [lower]\n', 'lower/x.yaml': SERVICE },
      /lower: no kustomization.yaml/,
    ],
    [
      'a label that YAML 1.1 reads as a boolean, as kustomize does',
      { 'kustomization.yaml': 'labels: [{ pairs: { a: y } }]\n' },
      /labels need pairs of strings/,
    ],
    [
      'a field it does not implement',
      { 'kustomization.yaml': 'images: [{ name: app, newTag: "1" }]\n' },
      /images is not implemented/,
    ],
    [
      'a kind it does not know',
      {
        'kustomization.yaml': 'resources: [s.yaml]\n',
        's.yaml': 'apiVersion: v1\nkind: Secret\nmetadata: { name: s }\n',
      },
      /v1 Secret is not handled/,
    ],
    [
      'the same object twice',
      {
        'kustomization.yaml': 'resources: [a.yaml, b.yaml]\n',
        'a.yaml': SERVICE,
        'b.yaml': SERVICE,
      },
      /Service app is there twice/,
    ],
    [
      'a patch that matches nothing',
      {
        'kustomization.yaml': 'resources: [a.yaml]\npatches: [{ path: p.yaml }]\n',
        'a.yaml': SERVICE,
        'p.yaml': 'apiVersion: v1\nkind: Service\nmetadata: { name: other }\n',
      },
      /no resource matches the patch of Service other/,
    ],
    [
      'a patch with a target',
      {
        'kustomization.yaml':
          'resources: [a.yaml]\npatches: [{ path: p.yaml, target: { kind: Service } }]\n',
        'a.yaml': SERVICE,
        'p.yaml': SERVICE,
      },
      /a patch other than \{ path \}/,
    ],
    [
      'a patch outside its directory',
      {
        'kustomization.yaml': 'resources: [a.yaml]\npatches: [{ path: ../p.yaml }]\n',
        'a.yaml': SERVICE,
      },
      /outside the kustomization's directory/,
    ],
    [
      'a patch that deletes',
      {
        'kustomization.yaml': 'resources: [a.yaml]\npatches: [{ path: p.yaml }]\n',
        'a.yaml': SERVICE,
        'p.yaml':
          'apiVersion: v1\nkind: Service\nmetadata: { name: app }\nspec: { selector: null }\n',
      },
      /null \(delete\) in a patch is not implemented/,
    ],
    [
      'a patch of a list whose merge it does not know',
      {
        'kustomization.yaml': 'resources: [a.yaml]\npatches: [{ path: p.yaml }]\n',
        'a.yaml': SERVICE,
        'p.yaml':
          'apiVersion: v1\nkind: Service\nmetadata: { name: app }\nspec: { ports: [{ name: http, port: 81 }] }\n',
      },
      /Service spec.ports: patching this list is not implemented/,
    ],
    [
      'a rename that kustomize would follow into a HorizontalPodAutoscaler',
      {
        'kustomization.yaml': 'namePrefix: pre-\nresources: [a.yaml]\n',
        'a.yaml': `${DEPLOYMENT}---\n${HPA}`,
      },
      /Deployment pre-app was renamed, and HorizontalPodAutoscaler pre-app refers to it/,
    ],
  ];
  for (const [what, files, error] of refusals) {
    it(`refuses ${what}`, () => {
      assert.throws(() => renderKustomization(fixture(files)), error);
    });
  }
});
