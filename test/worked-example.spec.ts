import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';

const root = resolve(__dirname, '../..');
const linked = (doc: string, target: string) =>
  readFileSync(resolve(root, doc), 'utf8').includes(`](${target})`);

describe('the worked example', () => {
  it('is linked from the README and the integration guide, and stays under 100 lines', () => {
    const source = readFileSync(resolve(root, 'examples/acme-pos/src/acme-pos.ts'), 'utf8');
    assert.ok(linked('README.md', 'examples/acme-pos/src/acme-pos.ts'), 'README.md');
    assert.ok(linked('docs/integrations.md', '../examples/acme-pos/src/acme-pos.ts'), 'the guide');
    assert.ok(source.split('\n').length < 100, 'acme-pos.ts has grown to 100 lines or more');
  });
});
