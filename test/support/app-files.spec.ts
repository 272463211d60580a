import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { gatewayNodeFlags } from './app-files';

const root = resolve(__dirname, '../../..');
const read = (file: string) => readFileSync(resolve(root, file), 'utf8');

describe('gatewayNodeFlags', () => {
  const flags = gatewayNodeFlags.join(' ');

  it('are the flags the image, npm start and start:gateway run the gateway with', () => {
    assert.ok(
      read('Dockerfile').includes(
        `CMD ["node", ${gatewayNodeFlags.map((flag) => `"${flag}"`).join(', ')}, "dist/apps/gateway/src/main.js"]`,
      ),
    );
    assert.ok(read('scripts/stack.sh').includes(`node ${flags} dist/apps/gateway/src/main.js &`));
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> })
      .scripts;
    assert.equal(scripts['start:gateway'], `node ${flags} dist/apps/gateway/src/main.js`);
  });
});
