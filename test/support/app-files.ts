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

/**
 * Node's flags for the gateway, as the image, `npm start` and `npm run start:gateway` run it: a
 * young generation of 32 MiB a half, as each call's body lives across its round trip to a
 * worker (docs/benchmarks.md, "A larger young generation for the gateway").
 */
export const gatewayNodeFlags = ['--max-semi-space-size=32'];
