import { resolve } from 'node:path';

const dist = resolve(__dirname, '../..');

/**
 * What a run starts: the build's gateway and worker, and the local broker's script. The
 * conformance kit's package carries copies of its own and points these at them
 * (libs/pos-conformance/src/kit-files.ts).
 */
export const appFiles = {
  gateway: resolve(dist, 'apps/gateway/src/main.js'),
  worker: resolve(dist, 'apps/pos-worker/src/main.js'),
  kafkaScript: resolve(dist, '../scripts/kafka/kafka.sh'),
};
