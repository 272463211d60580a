import {
  AclEntry,
  AclOperationTypes as Op,
  AclPermissionTypes,
  AclResourceTypes as Resource,
  ResourcePatternTypes as Pattern,
} from 'kafkajs';
import {
  ORDER_REPLY_TOPIC,
  answersGroupId,
  orderAnswersTopic,
  orderRequestTopic,
  workerGroupId,
} from '@wix-pos-gateway/contracts';

/** Who runs as which Kafka principal: `User:<name>` of a SASL user. */
export interface AclPrincipals {
  /** Every gateway instance. */
  gateway: string;
  /** Each brand's workers, by brand. */
  workers: Record<string, string>;
}

type Grant = [Resource, string, Pattern, Op[]];

/**
 * The least each principal needs, and nothing else. A gateway writes every brand's orders and
 * answers, and reads the replies in groups of its own; it cannot read orders or write a reply.
 * A brand's workers read that brand's orders and answers in the brand's groups and write
 * replies; they cannot read another brand's orders. Each app creates and aligns the topics it
 * reads (`ensureTopics`), hence create and configs on those.
 */
export function aclsFor({ gateway, workers }: AclPrincipals): AclEntry[] {
  const own = [Op.CREATE, Op.DESCRIBE, Op.DESCRIBE_CONFIGS, Op.ALTER_CONFIGS, Op.READ];
  const grants: Array<[string, Grant]> = [
    [gateway, [Resource.TOPIC, ORDER_REPLY_TOPIC, Pattern.LITERAL, own]],
    [gateway, [Resource.GROUP, 'pos-gateway.', Pattern.PREFIXED, [Op.READ]]],
    [gateway, [Resource.TOPIC, 'pos.orders.', Pattern.PREFIXED, [Op.WRITE, Op.DESCRIBE]]],
    [gateway, [Resource.TOPIC, 'pos.answers.', Pattern.PREFIXED, [Op.WRITE, Op.DESCRIBE]]],
  ];
  for (const [brand, worker] of Object.entries(workers)) {
    grants.push(
      [worker, [Resource.TOPIC, orderRequestTopic(brand), Pattern.LITERAL, own]],
      [worker, [Resource.TOPIC, orderAnswersTopic(brand), Pattern.LITERAL, own]],
      [worker, [Resource.GROUP, workerGroupId(brand), Pattern.LITERAL, [Op.READ]]],
      [worker, [Resource.GROUP, answersGroupId(brand), Pattern.LITERAL, [Op.READ]]],
      [worker, [Resource.TOPIC, ORDER_REPLY_TOPIC, Pattern.LITERAL, [Op.WRITE, Op.DESCRIBE]]],
    );
  }
  return grants.flatMap(([principal, [resourceType, resourceName, resourcePatternType, ops]]) =>
    ops.map((operation) => ({
      principal,
      host: '*',
      resourceType,
      resourceName,
      resourcePatternType,
      operation,
      permissionType: AclPermissionTypes.ALLOW,
    })),
  );
}

/** An entry as `kafka-acls.sh --list` words it, for people. */
export function describeAcl(acl: AclEntry): string {
  const pattern = acl.resourcePatternType === Pattern.PREFIXED ? 'prefixed' : 'literal';
  return `${acl.principal} ${nameOf(Op, acl.operation)} ${nameOf(Resource, acl.resourceType)} ${acl.resourceName} (${pattern})`;
}

/** kafkajs's enums are plain objects at run time, with no reverse mapping. */
function nameOf(values: object, value: number): string {
  return Object.entries(values).find(([, v]) => v === value)?.[0] ?? String(value);
}
