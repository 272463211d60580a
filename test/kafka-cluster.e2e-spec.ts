import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import {
  ORDER_REPLY_TOPIC,
  orderAnswersTopic,
  orderRequestTopic,
} from '@wix-pos-gateway/contracts';
import {
  DEADLINE_MS,
  Sent,
  explainPhantoms,
  msUntilAccepted,
  report,
  settledTally,
  stream,
} from './support/faults';
import { ensureTopics, mendRequestQueue } from '@wix-pos-gateway/kafka';
import { uniqueBrand } from './support/orders';
import { PrivateCluster } from './support/private-cluster';
import { AppProcess, startGateway, startWorker, stopAll } from './support/processes';

mendRequestQueue();

/**
 * How long after `from` orders stopped failing: the time of the last answer, given in
 * [from, until), that was not an acceptance.
 */
function recoveredMs(sent: Sent[], from: number, until: number): number {
  const failed = sent.filter((s) => s.at! >= from && s.at! < until && !s.answer.body.value);
  return failed.length === 0 ? 0 : Math.max(...failed.map((s) => s.at!)) - from;
}

describe('a three-broker cluster losing a broker under load (kill -9), twice', () => {
  const brand = uniqueBrand('cluster');
  let cluster: PrivateCluster;
  let admin: ReturnType<Kafka['admin']>;
  let gateways: AppProcess[];
  let workers: AppProcess[];

  before(async () => {
    cluster = await PrivateCluster.start(3);
    const env = { KAFKA_BROKERS: cluster.url };
    workers = [await startWorker(brand, env), await startWorker(brand, env)];
    const gatewayEnv = { ...env, ORDER_DEADLINE_MS: String(DEADLINE_MS) };
    gateways = [await startGateway(gatewayEnv), await startGateway(gatewayEnv)];
    admin = new Kafka({ brokers: cluster.url.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
  });
  after(async () => {
    await admin?.disconnect();
    await stopAll();
    await cluster?.remove();
  });

  /** The leader of the partition of `topic` with the most messages. */
  async function busiestLeader(topic: string): Promise<number> {
    const offsets = await admin.fetchTopicOffsets(topic);
    const busiest = offsets.reduce((a, b) => (Number(b.high) > Number(a.high) ? b : a));
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    return topics[0].partitions.find((p) => p.partitionId === busiest.partition)!.leader;
  }

  /** Waits until every partition of the topics has all 3 replicas in sync again. */
  async function fullyInSync(topics: string[], withinMs = 60_000): Promise<void> {
    const until = Date.now() + withinMs;
    for (;;) {
      const metadata = await admin.fetchTopicMetadata({ topics }).catch(() => undefined);
      if (metadata?.topics.every((t) => t.partitions.every((p) => p.isr.length === 3))) return;
      if (Date.now() > until) throw new Error('the replicas did not catch up');
      await sleep(500);
    }
  }

  it('replicates its topics 3 times with min.insync.replicas 2', async () => {
    const topics = [orderRequestTopic(brand), ORDER_REPLY_TOPIC, orderAnswersTopic(brand)];
    const { topics: described } = await admin.fetchTopicMetadata({ topics });
    for (const topic of described) {
      assert.ok(
        topic.partitions.every((p) => p.replicas.length === 3),
        topic.name,
      );
    }
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name })),
    });
    for (const resource of resources) {
      const entry = resource.configEntries.find((e) => e.configName === 'min.insync.replicas');
      assert.equal(entry?.configValue, '2', resource.resourceName);
    }
  });

  it('keeps an existing topic writable: its min.insync.replicas follows the replicas it has', async () => {
    const topic = `pos.answers.${uniqueBrand('legacy')}.v1`;
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }] });
    const kafka = new Kafka({ brokers: cluster.url.split(','), logLevel: logLevel.NOTHING });
    await ensureTopics(kafka, [
      {
        topic,
        partitions: 1,
        replicationFactor: 'auto',
        minInsyncReplicas: 'auto',
        retentionMs: 60_000,
      },
    ]);
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }],
    });
    const entry = resources[0].configEntries.find((e) => e.configName === 'min.insync.replicas');
    assert.equal(entry?.configValue, '1');
  });

  it('gives every order one outcome while the leaders of orders and of replies die', async () => {
    let turn = 0;
    const run = stream(() => gateways[turn++ % 2].url, brand, 6);
    await sleep(4_000);

    const ordersLeader = await busiestLeader(orderRequestTopic(brand));
    const firstKill = Date.now();
    cluster.kill(ordersLeader);
    await sleep(15_000);
    await cluster.restart(ordersLeader);
    const afterFirst = await msUntilAccepted(gateways[0].url, brand, 30_000, 250);
    await fullyInSync([orderRequestTopic(brand), ORDER_REPLY_TOPIC, orderAnswersTopic(brand)]);

    const repliesLeader = await busiestLeader(ORDER_REPLY_TOPIC);
    const secondKill = Date.now();
    cluster.kill(repliesLeader);
    await sleep(15_000);
    await cluster.restart(repliesLeader);
    const afterSecond = await msUntilAccepted(gateways[1].url, brand, 30_000, 250);
    const end = Date.now();

    const sent = await run.stop();
    const t = await settledTally(brand, sent, 45_000);
    const figures = {
      ...t,
      killed: { orders: ordersLeader, replies: repliesLeader },
      acceptedAfterRestartMs: { ordersLeader: afterFirst, repliesLeader: afterSecond },
      lastFailureAfterKillMs: {
        ordersLeader: recoveredMs(sent, firstKill, secondKill),
        repliesLeader: recoveredMs(sent, secondKill, end),
      },
    };
    report('three brokers, two leaders killed', figures);
    explainPhantoms(t, [...gateways, ...workers]);
    // Three brokers, two gateways, two workers and PostgreSQL on the test machine's cores: the
    // bound on an answer's lateness is looser here than in the other fault tests.
    assert.equal(t.lost, 0, 'lost orders');
    assert.equal(t.duplicated, 0, 'duplicated orders');
    assert.equal(t.phantom, 0, 'phantom orders');
    assert.equal(t.answers.http_0 ?? 0, 0, 'unanswered requests');
    assert.ok(t.worstMs < DEADLINE_MS + 1_500, `worst answer ${t.worstMs} ms`);
    assert.ok(
      afterFirst >= 0 && afterSecond >= 0,
      'orders are taken again once the broker is back',
    );
    for (const app of [...gateways, ...workers]) assert.ok(app.running, `${app.name} exited`);
  });
});
