import { describe, KubeObject } from './render';

/** What the models of kubernetes-models and its KEDA and Prometheus-operator packages share. */
interface ModelClass {
  // `never`: each model takes its own kind's data; the object is checked by validate().
  new (data: never): { validate(): void };
}

/**
 * The JSON schema of each apiVersion and kind the manifests use, compiled into the npm packages
 * kubernetes-models (Kubernetes), @kubernetes-models/keda and
 * @kubernetes-models/prometheus-operator: nothing is fetched. They are ES modules, hence import().
 */
const MODELS: Record<string, () => Promise<ModelClass>> = {
  'v1 ConfigMap': async () => (await import('kubernetes-models/v1/ConfigMap')).ConfigMap,
  'v1 Service': async () => (await import('kubernetes-models/v1/Service')).Service,
  'apps/v1 Deployment': async () =>
    (await import('kubernetes-models/apps/v1/Deployment')).Deployment,
  'autoscaling/v2 HorizontalPodAutoscaler': async () =>
    (await import('kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler'))
      .HorizontalPodAutoscaler,
  'policy/v1 PodDisruptionBudget': async () =>
    (await import('kubernetes-models/policy/v1/PodDisruptionBudget')).PodDisruptionBudget,
  'keda.sh/v1alpha1 ScaledObject': async () =>
    (await import('@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject')).ScaledObject,
  'keda.sh/v1alpha1 TriggerAuthentication': async () =>
    (await import('@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication'))
      .TriggerAuthentication,
  'monitoring.coreos.com/v1 ServiceMonitor': async () =>
    (await import('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor'))
      .ServiceMonitor,
};

/**
 * Checks `object` against its kind's API schema: types, required fields, enumerations. Rejects
 * with the object's kind, name and every violation; a kind without a schema here is refused.
 * The schemas allow fields they do not declare, so a misspelt optional field passes.
 */
export async function validateObject(object: KubeObject): Promise<void> {
  const load = MODELS[`${object.apiVersion} ${object.kind}`];
  if (!load) throw new Error(`${describe(object)}: no schema for ${object.apiVersion}`);
  const Model = await load();
  try {
    new Model(object as never).validate();
  } catch (error) {
    throw new Error(
      `${describe(object)}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
