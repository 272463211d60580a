import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';

const root = resolve(__dirname, '../../..');

describe('the worked example', () => {
  it('is linked from the integration guide, and stays under 100 lines', () => {
    const guide = readFileSync(resolve(root, 'docs/integrations.md'), 'utf8');
    const source = readFileSync(resolve(root, 'examples/acme-pos/acme-pos.ts'), 'utf8');
    assert.ok(
      guide.includes('](../examples/acme-pos/acme-pos.ts)'),
      'docs/integrations.md does not link to examples/acme-pos/acme-pos.ts',
    );
    assert.ok(source.split('\n').length < 100, 'acme-pos.ts has grown to 100 lines or more');
  });
});
