import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Kafka } from 'kafkajs';
import { TopicDirectory } from './topic-directory';

/** A broker whose topic list is `topics`, or that never answers while `hung`. */
function kafkaListing(topics: string[], state = { hung: false }): Kafka {
  const admin = {
    connect: () => Promise.resolve(),
    disconnect: () => Promise.resolve(),
    listTopics: () =>
      state.hung ? new Promise<string[]>(() => undefined) : Promise.resolve(topics),
  };
  return { admin: () => admin } as unknown as Kafka;
}

describe('TopicDirectory', () => {
  it('knows the topics the broker lists, and asks again on a miss', async () => {
    const topics = ['a'];
    const directory = new TopicDirectory(kafkaListing(topics), 0);
    await directory.connect();
    assert.equal(await directory.has('a', 1_000), true);
    topics.push('b');
    assert.equal(await directory.has('b', 1_000), true);
    assert.equal(await directory.has('c', 1_000), false);
  });

  it('waits for a broker that does not answer no longer than it is given', async () => {
    const state = { hung: false };
    const directory = new TopicDirectory(kafkaListing(['a'], state), 0);
    await directory.connect();
    state.hung = true;
    const started = performance.now();
    assert.equal(await directory.has('b', 100), false);
    assert.equal(await directory.has('a', 100), true, 'what it knew, it still knows');
    const waited = performance.now() - started;
    assert.ok(waited >= 90 && waited < 1_000, `waited ${waited} ms`);
  });
});
