import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { KafkaEnv, kafkaSecurity, loadConfig } from '@wix-pos-gateway/config';
import { aclsFor, describeAcl } from '@wix-pos-gateway/kafka';
import { UsageError, runCommand } from '@wix-pos-gateway/runtime';

const USAGE = `usage: npm run kafka:acls -- --gateway <user> --worker <brand>=<user> [--worker …] [--apply]
  Prints the ACLs the gateway's and each brand's workers' SASL users need (docs/security.md);
  with --apply, creates them on the cluster of KAFKA_BROKERS as the admin principal of the
  KAFKA_SSL* and KAFKA_SASL_* settings.`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      gateway: { type: 'string' },
      worker: { type: 'string', multiple: true },
      apply: { type: 'boolean', default: false },
    },
  });
  if (!values.gateway || !values.worker?.length)
    throw new UsageError('name the gateway and a worker');
  const workers: Record<string, string> = {};
  for (const pair of values.worker) {
    const [brand, user] = pair.split('=');
    if (!brand || !user) throw new UsageError(`--worker ${pair}: expected <brand>=<user>`);
    workers[brand] = `User:${user}`;
  }
  const acls = aclsFor({ gateway: `User:${values.gateway}`, workers });
  for (const acl of acls) console.log(describeAcl(acl));
  if (!values.apply) return 0;

  const env = loadConfig(KafkaEnv, process.env);
  const admin = new Kafka({
    clientId: 'kafka-acls',
    brokers: env.kafkaBrokers,
    logLevel: logLevel.NOTHING,
    ...kafkaSecurity(env),
  }).admin();
  await admin.connect();
  try {
    await admin.createAcls({ acl: acls });
  } finally {
    await admin.disconnect();
  }
  console.log(`created ${acls.length} ACLs`);
  return 0;
}

runCommand(main, USAGE);
