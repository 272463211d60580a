import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';

const root = resolve(__dirname, '../../..');

describe('the worked example', () => {
  it('is shown in the README exactly as it is built and tested, in under 100 lines', () => {
    const readme = readFileSync(resolve(root, 'README.md'), 'utf8');
    const source = readFileSync(resolve(root, 'examples/acme-pos/acme-pos.ts'), 'utf8');
    assert.ok(readme.includes('```ts\n' + source + '```'), 'README differs from acme-pos.ts');
    assert.ok(source.split('\n').length < 100);
  });
});
