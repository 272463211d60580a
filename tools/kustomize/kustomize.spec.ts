import 'reflect-metadata';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IContainer } from 'kubernetes-models/v1/Container';
import { loadGatewayConfig } from '../../apps/gateway/src/config';
import { loadWorkerConfig } from '../../apps/pos-worker/src/config';
import { CONFIG_SOURCES } from '../config-reference/sources';
import { readVariables } from '../config-reference/read-variables';
import { byId, HAS_KUBECTL, kubectlKustomize } from './kubectl';
import { containers, environment, overlayProblems } from './overlay-checks';
import { KubeObject, renderKustomization } from './render';
import { validateObject } from './schemas';

const ROOT = join(__dirname, '..', '..', '..');
const MANIFESTS = join(ROOT, 'deploy', 'kubernetes');
const OVERLAYS = readdirSync(join(MANIFESTS, 'overlays')).sort();
/** Every kustomization: the packages, the overlays and the brands in them. */
const KUSTOMIZATIONS = [
  'base',
  'worker',
  ...OVERLAYS.flatMap((overlay) => [
    `overlays/${overlay}`,
    ...readdirSync(join(MANIFESTS, 'overlays', overlay), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => `overlays/${overlay}/${entry.name}`),
  ]),
];

function render(kustomization: string): KubeObject[] {
  return renderKustomization(join(MANIFESTS, kustomization));
}

function brands(objects: KubeObject[]): string[] {
  return (objects.filter((o) => o.kind === 'Deployment') as IDeployment[])
    .flatMap(containers)
    .flatMap((container) => container.env?.find((e) => e.name === 'BRAND')?.value ?? [])
    .sort();
}

/**
 * A copy of `objects` where the object `kind/name` has `value` at `path`: field names, list
 * indexes, and `name=X` for the item of a list named X.
 */
function broken(objects: KubeObject[], id: string, path: string, value: unknown): KubeObject[] {
  const copy = structuredClone(objects);
  const object = copy.find((o) => `${o.kind}/${o.metadata.name}` === id);
  assert.ok(object, id);
  const segments = path.split('.');
  const last = segments.pop()!;
  const step = (node: unknown, segment: string): Record<string, unknown> => {
    const [field, wanted] = segment.split('=');
    const next: unknown = Array.isArray(node)
      ? wanted === undefined
        ? node[Number(segment)]
        : node.find((item: { name?: string }) => item.name === wanted)
      : (node as Record<string, unknown>)[field];
    assert.ok(next !== null && typeof next === 'object', `${id} ${path}`);
    return next as Record<string, unknown>;
  };
  const parent = segments.reduce<unknown>(step, object);
  const [, wanted] = last.split('=');
  if (Array.isArray(parent) && wanted !== undefined) {
    parent[parent.findIndex((item: { name?: string }) => item.name === wanted)] = value;
  } else {
    (parent as Record<string, unknown>)[last] = value;
  }
  return copy;
}

/** The variables each app reads: the gateway's, and the worker's with its integrations'. */
const [GATEWAY_VARIABLES, WORKER_VARIABLES] = [
  CONFIG_SOURCES.slice(0, 1),
  CONFIG_SOURCES.slice(1),
].map((sources) => new Set(sources.flatMap((s) => readVariables(ROOT, s).map((v) => v.name))));

const secrets = mkdtempSync(join(tmpdir(), 'kustomize-secrets-'));
after(() => rmSync(secrets, { recursive: true, force: true }));
const CA_FILE = join(secrets, 'ca.crt');
writeFileSync(CA_FILE, '-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n');
/** Values of the right form for the Secrets' keys, which the manifests only name. */
const SECRET_SAMPLES: Record<string, string> = {
  CARD_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
  WEBHOOK_AUTH: `*=hmac:whsec_${Buffer.alloc(32, 7).toString('base64')}`,
  DATABASE_URL: 'postgres://pos@db:5432/pos',
  KAFKA_SASL_PASSWORD: 'password',
};

/**
 * The variables a container is given: its ConfigMap's and its own, with samples for the
 * Secrets, and the CA file at a path of this machine.
 */
function givenEnvironment(objects: KubeObject[], container: IContainer): Record<string, string> {
  const configMaps = objects.filter((o) => o.kind === 'ConfigMap') as IConfigMap[];
  const env: Record<string, string> = {};
  for (const [variable, setting] of environment(container, configMaps)) {
    const value = setting.secret ? SECRET_SAMPLES[setting.secret.key] : setting.value;
    assert.ok(value !== undefined, `${variable}: no sample of ${setting.secret?.key}`);
    env[variable] = value;
  }
  if (env.KAFKA_SSL_CA_FILE) env.KAFKA_SSL_CA_FILE = CA_FILE;
  return env;
}

/**
 * Variables a Deployment gives that its app does not read (a worker is a Deployment with
 * BRAND), and what the app's own configuration check says of them.
 */
function variableProblems(objects: KubeObject[]): string[] {
  const problems: string[] = [];
  const deployments = objects.filter((o) => o.kind === 'Deployment') as IDeployment[];
  const named = deployments.flatMap((d) =>
    containers(d).map((container) => ({
      container,
      name: `${d.metadata?.name}/${container.name}`,
    })),
  );
  for (const { container, name } of named) {
    const env = givenEnvironment(objects, container);
    const worker = env.BRAND !== undefined;
    const known = worker ? WORKER_VARIABLES : GATEWAY_VARIABLES;
    for (const variable of Object.keys(env).filter((v) => !known.has(v))) {
      problems.push(`${name}: ${variable} is read by no one`);
    }
    // NODE_ENV=production is the image's.
    const start = { ...env, NODE_ENV: 'production' };
    try {
      if (worker) loadWorkerConfig(start);
      else loadGatewayConfig(start);
    } catch (error) {
      problems.push(`${name}: ${(error as Error).message}`);
    }
  }
  return problems;
}

describe('deploy/kubernetes', () => {
  it('has the overlays one-brand (demo) and two-brands (demo, acme)', () => {
    assert.deepEqual(brands(render('overlays/one-brand')), ['demo']);
    assert.deepEqual(brands(render('overlays/two-brands')), ['acme', 'demo']);
  });

  for (const kustomization of KUSTOMIZATIONS) {
    it(`${kustomization}: every object passes its API schema`, async (t) => {
      const objects = render(kustomization);
      assert.ok(objects.length > 0);
      for (const object of objects) await validateObject(object);
      t.diagnostic(`${objects.length} objects validated`);
    });
  }

  for (const overlay of OVERLAYS) {
    it(`overlays/${overlay}: probes, requests, Secrets, scaling and metrics hold together`, () => {
      assert.deepEqual(overlayProblems(render(`overlays/${overlay}`)), []);
    });
  }

  for (const overlay of OVERLAYS) {
    it(`overlays/${overlay}: each app reads every variable it is given, and accepts them`, () => {
      assert.deepEqual(variableProblems(render(`overlays/${overlay}`)), []);
    });
  }

  it('worker/ is not deployable alone: every BRAND must be replaced', () => {
    const problems = overlayProblems(render('worker'));
    assert.ok(problems.includes('Deployment pos-worker: BRAND "BRAND" is not a brand name'));
    assert.ok(problems.includes('Deployment pos-worker: refers to the Secret "pos-worker-BRAND"'));
  });

  it('renders as kubectl kustomize does', { skip: !HAS_KUBECTL && 'no kubectl' }, () => {
    for (const kustomization of KUSTOMIZATIONS) {
      const dir = join(MANIFESTS, kustomization);
      assert.deepEqual(byId(renderKustomization(dir)), byId(kubectlKustomize(dir)), kustomization);
    }
  });
});

describe('the manifest checks', () => {
  const objects = render('overlays/two-brands');

  it('reject a Deployment with a field of the wrong type', async () => {
    const [deployment] = broken(
      objects,
      'Deployment/pos-gateway',
      'spec.template.spec.containers.0.ports.0.containerPort',
      '8080',
    ).filter((o) => o.kind === 'Deployment');
    await assert.rejects(
      validateObject(deployment),
      /Deployment pos\/pos-gateway: data\/spec\/template\/spec\/containers\/0\/ports\/0\/containerPort must be integer/,
    );
  });

  it('reject a number where KEDA wants a string, and a kind without a schema', async () => {
    const scaled = broken(
      objects,
      'ScaledObject/pos-worker-acme',
      'spec.triggers.0.metadata.lagThreshold',
      50,
    ).find((o) => o.kind === 'ScaledObject' && o.metadata.name === 'pos-worker-acme')!;
    await assert.rejects(validateObject(scaled), /lagThreshold must be string/);
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } };
    await assert.rejects(validateObject(secret), /Secret s: no schema for v1/);
  });

  it('catch a misspelt variable, and a value the app refuses', () => {
    const misspelt = broken(objects, 'ConfigMap/pos-settings', 'data.KAFKA_SSL_CAFILE', '/etc/ca');
    assert.ok(
      variableProblems(misspelt).includes(
        'pos-gateway/pos-gateway: KAFKA_SSL_CAFILE is read by no one',
      ),
    );
    const refused = broken(objects, 'ConfigMap/pos-settings', 'data.KAFKA_SSL', 'yes');
    assert.match(
      variableProblems(refused).join('\n'),
      /pos-gateway\/pos-gateway: Invalid configuration.*\n.*KAFKA_SSL/,
    );
  });

  const cases: [string, KubeObject[], string][] = [
    [
      "a ScaledObject on another brand's topic",
      broken(
        objects,
        'ScaledObject/pos-worker-acme',
        'spec.triggers.0.metadata.topic',
        'pos.orders.demo.v1',
      ),
      'ScaledObject pos/pos-worker-acme: topic is pos.orders.demo.v1, not pos.orders.acme.v1 (BRAND acme)',
    ],
    [
      'a ScaledObject scaling past the partitions',
      broken(objects, 'ScaledObject/pos-worker-demo', 'spec.maxReplicaCount', 20),
      "ScaledObject pos/pos-worker-demo: maxReplicaCount is not the topic's 12 partitions",
    ],
    [
      'a ScaledObject on a Deployment of no overlay',
      broken(objects, 'ScaledObject/pos-worker-demo', 'spec.scaleTargetRef.name', 'pos-worker'),
      'ScaledObject pos/pos-worker-demo: targets pos-worker, not a worker Deployment of this overlay',
    ],
    [
      'an inlined secret',
      broken(
        objects,
        'Deployment/pos-worker-demo',
        'spec.template.spec.containers.0.env.name=DATABASE_URL',
        { name: 'DATABASE_URL', value: 'postgres://pos:secret@db/pos' },
      ),
      'Deployment pos/pos-worker-demo: DATABASE_URL is not a secretKeyRef',
    ],
    [
      'a readiness probe on the wrong path',
      broken(
        objects,
        'Deployment/pos-gateway',
        'spec.template.spec.containers.0.readinessProbe.httpGet.path',
        '/health/live',
      ),
      'Deployment pos/pos-gateway: pos-gateway: readinessProbe is not GET /health/ready on a container port',
    ],
    [
      'a HorizontalPodAutoscaler on a worker',
      broken(
        objects,
        'HorizontalPodAutoscaler/pos-gateway',
        'spec.scaleTargetRef.name',
        'pos-worker-acme',
      ),
      'HorizontalPodAutoscaler pos/pos-gateway: targets pos-worker-acme, not the gateway Deployment',
    ],
    [
      'a PodDisruptionBudget that selects the workers',
      broken(objects, 'PodDisruptionBudget/pos-gateway', 'spec.selector.matchLabels', {
        'app.kubernetes.io/part-of': 'wix-pos-gateway',
      }),
      'PodDisruptionBudget pos/pos-gateway: selects the pods of Deployment pos/pos-gateway, Deployment pos/pos-worker-demo, Deployment pos/pos-worker-acme',
    ],
  ];
  for (const [what, overlay, problem] of cases) {
    it(`catch ${what}`, () => {
      assert.ok(overlayProblems(overlay).includes(problem), overlayProblems(overlay).join('\n'));
    });
  }
});
