import { basename, dirname } from 'node:path';
import type { IScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import type { ITriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication';
import type { IServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IService } from 'kubernetes-models/v1/Service';
import { describe as name, KubeObject } from './render';

/** Variables whose values are secrets: the manifests may only reference them. */
export const SECRET_VARIABLES = [
  'CARD_KEYS',
  'WEBHOOK_AUTH',
  'DATABASE_URL',
  'KAFKA_SASL_PASSWORD',
  'OPERATOR_TOKEN',
  'POS_HTTP_TOKEN',
  'KITCHEN_INBOX_DATABASE_URL',
];

/** Partitions of a brand's order topic, and so the most workers a brand can use. */
export const REQUEST_TOPIC_PARTITIONS = 12;

/** KEDA's name of each KAFKA_SASL_MECHANISM. */
const KEDA_SASL: Record<string, string> = {
  'scram-sha-512': 'scram_sha512',
  'scram-sha-256': 'scram_sha256',
  plain: 'plaintext',
};

const BRAND = /^[a-z0-9][a-z0-9_-]{0,47}$/;
const DNS_SUBDOMAIN =
  /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** An environment variable as a container gets it: a value, or a Secret's key. */
export interface Setting {
  value?: string;
  secret?: { name: string; key: string };
}

/**
 * What the rendered objects of one overlay must mean, beyond their schemas: probes, requests
 * and hardening of every Deployment; Kafka over TLS and SASL; Secrets referenced, never
 * inlined; each worker Deployment scaled by a KEDA ScaledObject on its brand's consumer group;
 * the gateway by the HorizontalPodAutoscaler and guarded by the PodDisruptionBudget; every
 * Deployment scraped. Returns one line per problem; none for a sound overlay.
 */
export function overlayProblems(objects: KubeObject[]): string[] {
  const problems: string[] = [];
  const problem = (object: KubeObject, text: string) => problems.push(`${name(object)}: ${text}`);
  const ofKind = <T>(kind: string) => objects.filter((o) => o.kind === kind) as (KubeObject & T)[];
  const configMaps = ofKind<IConfigMap>('ConfigMap');
  const deployments = ofKind<IDeployment>('Deployment');
  const services = ofKind<IService>('Service');
  const scaledObjects = ofKind<IScaledObject>('ScaledObject');
  const triggerAuthentications = ofKind<ITriggerAuthentication>('TriggerAuthentication');
  const autoscalers = ofKind<IHorizontalPodAutoscaler>('HorizontalPodAutoscaler');
  const budgets = ofKind<IPodDisruptionBudget>('PodDisruptionBudget');
  const monitors = ofKind<IServiceMonitor>('ServiceMonitor');

  const namespaces = new Set(objects.map((o) => o.metadata.namespace));
  if (namespaces.size !== 1 || namespaces.has(undefined)) {
    problems.push(`objects are not all in one namespace: ${[...namespaces].join(', ')}`);
  }

  // Secrets: never an object of the overlay, never a value in it.
  for (const object of objects.filter((o) => o.kind === 'Secret')) {
    problem(object, 'a Secret with its values: reference Secrets created apart');
  }
  for (const configMap of configMaps) {
    for (const key of Object.keys(configMap.data ?? {})) {
      if (SECRET_VARIABLES.includes(key)) problem(configMap, `holds the secret ${key}`);
    }
  }
  const envOf = (deployment: IDeployment, container: IContainer) =>
    environment(container, configMaps, (text) => problem(deployment as KubeObject, text));
  for (const deployment of deployments) {
    for (const container of containers(deployment)) {
      for (const variable of container.env ?? []) {
        if (!SECRET_VARIABLES.includes(variable.name)) continue;
        if (variable.value !== undefined || !variable.valueFrom?.secretKeyRef) {
          problem(deployment, `${variable.name} is not a secretKeyRef`);
        }
      }
    }
  }
  for (const [object, secret] of secretReferences(deployments, triggerAuthentications)) {
    if (!DNS_SUBDOMAIN.test(secret)) problem(object, `refers to the Secret "${secret}"`);
  }

  // Every Deployment: probes, requests, hardening, Kafka settings, one autoscaler.
  const workers = new Map<KubeObject & IDeployment, string>();
  const usernames = new Map<string, string>();
  for (const deployment of deployments) {
    const pod = deployment.spec?.template.spec;
    const podLabels = deployment.spec?.template.metadata?.labels ?? {};
    const selector = deployment.spec?.selector.matchLabels ?? {};
    if (deployment.spec?.replicas !== undefined) {
      problem(deployment, 'sets replicas, which its autoscaler owns');
    }
    if (Object.keys(selector).length === 0 || !selects(selector, podLabels)) {
      problem(deployment, 'its selector does not select its own pods');
    }
    for (const other of deployments.filter((d) => d !== deployment)) {
      if (selects(selector, other.spec?.template.metadata?.labels)) {
        problem(deployment, `its selector also selects the pods of ${name(other)}`);
      }
    }
    for (const container of containers(deployment)) {
      const ports = (container.ports ?? []).flatMap((p) => [p.containerPort, p.name]);
      const probes = { livenessProbe: '/health/live', readinessProbe: '/health/ready' } as const;
      for (const [probe, path] of Object.entries(probes) as [keyof typeof probes, string][]) {
        const get = container[probe]?.httpGet;
        if (get?.path !== path || !ports.includes(get.port)) {
          problem(deployment, `${container.name}: ${probe} is not GET ${path} on a container port`);
        }
      }
      const requests = container.resources?.requests ?? {};
      if (requests.cpu === undefined || requests.memory === undefined) {
        problem(deployment, `${container.name}: no CPU and memory requests`);
      }
      const security = container.securityContext;
      if (
        !(security?.runAsNonRoot ?? pod?.securityContext?.runAsNonRoot) ||
        security?.allowPrivilegeEscalation !== false ||
        security.readOnlyRootFilesystem !== true ||
        !security.capabilities?.drop?.includes('ALL')
      ) {
        problem(
          deployment,
          `${container.name}: not runAsNonRoot, read-only, without privilege escalation and capabilities`,
        );
      }

      const env = envOf(deployment, container);
      const expected = { KAFKA_SSL: 'on', KAFKA_REPLICATION_FACTOR: '3' };
      for (const [variable, value] of Object.entries(expected)) {
        if (env.get(variable)?.value !== value) problem(deployment, `${variable} is not ${value}`);
      }
      if (!env.get('KAFKA_SASL_MECHANISM')?.value?.startsWith('scram-')) {
        problem(deployment, 'KAFKA_SASL_MECHANISM is not a SCRAM mechanism');
      }
      const username = env.get('KAFKA_SASL_USERNAME')?.value;
      if (!username || !env.get('KAFKA_SASL_PASSWORD')?.secret) {
        problem(deployment, 'no Kafka user, or a password not from a Secret');
      } else if (usernames.has(username)) {
        problem(deployment, `Kafka user ${username} is also ${usernames.get(username)}'s`);
      } else {
        usernames.set(username, name(deployment));
      }
      const caFile = env.get('KAFKA_SSL_CA_FILE')?.value;
      if (!caFile || !secretMountedAt(deployment, container, dirname(caFile))) {
        problem(deployment, 'KAFKA_SSL_CA_FILE is not in a mounted Secret');
      }

      const brand = env.get('BRAND');
      if (brand === undefined) continue;
      if (!brand.value || !BRAND.test(brand.value)) {
        problem(deployment, `BRAND "${brand.value}" is not a brand name`);
        continue;
      }
      workers.set(deployment, brand.value);
      if (!env.get('DATABASE_URL')?.secret) {
        problem(deployment, 'no DATABASE_URL: the embedded store serves one worker only');
      }
      if (env.get('REQUEST_TOPIC_PARTITIONS')?.value !== String(REQUEST_TOPIC_PARTITIONS)) {
        problem(deployment, `REQUEST_TOPIC_PARTITIONS is not ${REQUEST_TOPIC_PARTITIONS}`);
      }
    }
    const scalers = [
      ...autoscalers.filter((a) => a.spec?.scaleTargetRef.name === deployment.metadata.name),
      ...scaledObjects.filter((s) => s.spec.scaleTargetRef.name === deployment.metadata.name),
    ];
    if (scalers.length !== 1) problem(deployment, `${scalers.length} autoscalers, not 1`);
  }

  // Workers: a ScaledObject on the brand's consumer group and topic.
  for (const scaled of scaledObjects) {
    const target = scaled.spec.scaleTargetRef;
    const deployment = deployments.find((d) => d.metadata.name === target.name);
    const brand = deployment && workers.get(deployment);
    if ((target.kind ?? 'Deployment') !== 'Deployment' || !deployment || !brand) {
      problem(scaled, `targets ${target.name}, not a worker Deployment of this overlay`);
      continue;
    }
    const container = containers(deployment)[0];
    const env = envOf(deployment, container);
    if (scaled.spec.maxReplicaCount !== REQUEST_TOPIC_PARTITIONS) {
      problem(scaled, `maxReplicaCount is not the topic's ${REQUEST_TOPIC_PARTITIONS} partitions`);
    }
    const least = scaled.spec.minReplicaCount ?? 0;
    if (least < 1 || least > (scaled.spec.maxReplicaCount ?? 100)) {
      problem(scaled, 'minReplicaCount lets the brand run without a worker');
    }
    const [trigger, ...more] = scaled.spec.triggers;
    if (trigger?.type !== 'kafka' || more.length > 0) {
      problem(scaled, 'has other triggers than one kafka trigger');
      continue;
    }
    const expected: Record<string, string | undefined> = {
      consumerGroup: `pos-worker.${brand}.v1`,
      topic: `pos.orders.${brand}.v1`,
      bootstrapServers: env.get('KAFKA_BROKERS')?.value,
      sasl: KEDA_SASL[env.get('KAFKA_SASL_MECHANISM')?.value ?? ''],
      tls: env.get('KAFKA_SSL')?.value === 'on' ? 'enable' : 'disable',
    };
    for (const [field, value] of Object.entries(expected)) {
      if (trigger.metadata[field] !== value) {
        problem(scaled, `${field} is ${trigger.metadata[field]}, not ${value} (BRAND ${brand})`);
      }
    }
    if (!/^[1-9][0-9]*$/.test(trigger.metadata.lagThreshold ?? '')) {
      problem(scaled, 'lagThreshold is not a positive whole number');
    }
    const auth = triggerAuthentications.find(
      (t) => t.metadata.name === trigger.authenticationRef?.name,
    );
    if (!auth) {
      problem(scaled, `authenticationRef ${trigger.authenticationRef?.name} is not in the overlay`);
      continue;
    }
    const refs = new Map((auth.spec?.secretTargetRef ?? []).map((r) => [r.parameter, r]));
    const password = env.get('KAFKA_SASL_PASSWORD')?.secret;
    if (
      !password ||
      refs.get('password')?.name !== password.name ||
      refs.get('password')?.key !== password.key
    ) {
      problem(auth, `password is not the Secret the workers of ${brand} use`);
    }
    const caFile = env.get('KAFKA_SSL_CA_FILE')?.value ?? '';
    const caSecret = secretMountedAt(deployment, container, dirname(caFile));
    if (refs.get('ca')?.name !== caSecret || refs.get('ca')?.key !== basename(caFile)) {
      problem(auth, 'ca is not the CA the workers use');
    }
    const username = (auth.spec?.env ?? []).find((e) => e.parameter === 'username');
    const source = containers(deployment).find((c) => c.name === username?.containerName);
    if (
      username?.name !== 'KAFKA_SASL_USERNAME' ||
      !source?.env?.some((e) => e.name === username.name)
    ) {
      problem(auth, `username is not KAFKA_SASL_USERNAME of a container of ${name(deployment)}`);
    }
  }

  // The gateway: scaled on CPU, guarded by the PodDisruptionBudget.
  const gateways = deployments.filter((d) => !workers.has(d));
  for (const autoscaler of autoscalers) {
    const target = autoscaler.spec?.scaleTargetRef;
    if (
      target?.kind !== 'Deployment' ||
      target.apiVersion !== 'apps/v1' ||
      !gateways.some((g) => g.metadata.name === target.name)
    ) {
      problem(autoscaler, `targets ${target?.name}, not the gateway Deployment`);
    }
    if (!autoscaler.spec?.metrics?.some((m) => m.resource?.name === 'cpu')) {
      problem(autoscaler, 'does not scale on CPU');
    }
  }
  for (const budget of budgets) {
    const selected = deployments.filter((d) =>
      selects(budget.spec?.selector?.matchLabels, d.spec?.template.metadata?.labels),
    );
    if (selected.length !== 1 || !gateways.includes(selected[0])) {
      problem(budget, `selects the pods of ${selected.map(name).join(', ') || 'no Deployment'}`);
    }
  }
  for (const gateway of gateways) {
    const labels = gateway.spec?.template.metadata?.labels;
    if (!budgets.some((b) => selects(b.spec?.selector?.matchLabels, labels))) {
      problem(gateway, 'no PodDisruptionBudget selects its pods');
    }
  }

  // Metrics: each ServiceMonitor scrapes /metrics through one Service of one Deployment.
  const scraped = new Set<KubeObject>();
  for (const monitor of monitors) {
    const selected = services.filter((s) =>
      selects(monitor.spec.selector.matchLabels, s.metadata.labels),
    );
    if (selected.length !== 1) {
      problem(monitor, `selects ${selected.length} Services, not 1`);
      continue;
    }
    const service = selected[0];
    const portNames = (service.spec?.ports ?? []).map((p) => p.name);
    for (const endpoint of monitor.spec.endpoints ?? []) {
      if (!portNames.includes(endpoint.port) || endpoint.path !== '/metrics') {
        problem(monitor, `scrapes ${endpoint.path} on ${endpoint.port}, not /metrics on a port`);
      }
    }
    const pods = deployments.filter((d) =>
      selects(service.spec?.selector, d.spec?.template.metadata?.labels),
    );
    if (pods.length !== 1) problem(service, `selects the pods of ${pods.length} Deployments`);
    pods.forEach((d) => scraped.add(d));
  }
  for (const deployment of deployments.filter((d) => !scraped.has(d))) {
    problem(deployment, 'no ServiceMonitor scrapes it');
  }
  return problems;
}

export function containers(deployment: IDeployment): IContainer[] {
  return deployment.spec?.template.spec?.containers ?? [];
}

/** Whether every label of `selector` (not empty) is one of `labels`. */
function selects(
  selector: Record<string, string> | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  const wanted = Object.entries(selector ?? {});
  return wanted.length > 0 && wanted.every(([key, value]) => labels?.[key] === value);
}

/** The container's variables: its ConfigMaps' (envFrom), then its own `env`. */
export function environment(
  container: IContainer,
  configMaps: IConfigMap[],
  problem: (text: string) => void = () => undefined,
): Map<string, Setting> {
  const env = new Map<string, Setting>();
  for (const source of container.envFrom ?? []) {
    const ref = source.configMapRef?.name;
    const configMap = configMaps.find((c) => c.metadata?.name === ref);
    if (!configMap) {
      problem(`${container.name}: envFrom ${ref ?? 'a source'} is not a ConfigMap of the overlay`);
      continue;
    }
    for (const [key, value] of Object.entries(configMap.data ?? {})) env.set(key, { value });
  }
  for (const variable of container.env ?? []) {
    const secret = variable.valueFrom?.secretKeyRef;
    env.set(variable.name, {
      value: variable.value,
      secret: secret && { name: secret.name ?? '', key: secret.key },
    });
  }
  return env;
}

/** The Secret mounted at `path` in the container, if one is. */
function secretMountedAt(
  deployment: IDeployment,
  container: IContainer,
  path: string,
): string | undefined {
  const mount = container.volumeMounts?.find((m) => m.mountPath === path);
  const volumes = deployment.spec?.template.spec?.volumes ?? [];
  return volumes.find((v) => v.name === mount?.name)?.secret?.secretName;
}

function secretReferences(
  deployments: (KubeObject & IDeployment)[],
  triggerAuthentications: (KubeObject & ITriggerAuthentication)[],
): [KubeObject, string][] {
  const references: [KubeObject, string][] = [];
  for (const deployment of deployments) {
    for (const container of containers(deployment)) {
      for (const variable of container.env ?? []) {
        const ref = variable.valueFrom?.secretKeyRef;
        if (ref) references.push([deployment, ref.name ?? '']);
      }
      for (const source of container.envFrom ?? []) {
        if (source.secretRef) references.push([deployment, source.secretRef.name ?? '']);
      }
    }
    for (const volume of deployment.spec?.template.spec?.volumes ?? []) {
      if (volume.secret) references.push([deployment, volume.secret.secretName ?? '']);
    }
  }
  for (const auth of triggerAuthentications) {
    for (const ref of auth.spec?.secretTargetRef ?? []) references.push([auth, ref.name]);
  }
  return references;
}
