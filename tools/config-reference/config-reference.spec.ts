import 'reflect-metadata';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { generatedFiles, REPOSITORY_ROOT } from './config-reference';
import { readVariables } from './read-variables';
import { CONFIG_SOURCES } from './sources';

describe('configuration reference', () => {
  it('docs/configuration.md and the .env.example files match the config classes (npm run docs:config)', async () => {
    for (const [file, expected] of await generatedFiles(REPOSITORY_ROOT)) {
      const path = join(REPOSITORY_ROOT, file);
      const actual = existsSync(path) ? readFileSync(path, 'utf8') : '';
      assert.ok(actual === expected, `${file} is out of date: run npm run docs:config`);
    }
  });

  it('gives every variable a meaning', () => {
    for (const source of CONFIG_SOURCES) {
      for (const variable of readVariables(REPOSITORY_ROOT, source)) {
        assert.notEqual(variable.meaning, '', `${variable.name} has no doc comment`);
      }
    }
  });

  it('shows defaults, allowed values and meanings from the decorators and doc comments', () => {
    const gateway = readVariables(REPOSITORY_ROOT, CONFIG_SOURCES[0]);
    const byName = new Map(gateway.map((v) => [v.name, v]));
    assert.deepEqual(byName.get('ORDER_DEADLINE_MS'), {
      name: 'ORDER_DEADLINE_MS',
      default: '8000',
      allowed: 'integer 100–9500',
      meaning: 'The time budget of one webhook call, from its arrival; Wix gives up after 10 s.',
      required: false,
      defaultIsComputed: false,
    });
    assert.equal(byName.get('TLS')?.allowed, '`auto`, `off`');
    assert.equal(byName.get('WEBHOOK_AUTH')?.default, undefined);
    assert.equal(byName.get('GATEWAY_INSTANCE_ID')?.defaultIsComputed, true);
    assert.ok(byName.has('KAFKA_BROKERS'), 'inherited variables are listed');
    const http = readVariables(
      REPOSITORY_ROOT,
      CONFIG_SOURCES.find((source) => source.title === '`http` integration')!,
    );
    assert.equal(http.find((v) => v.name === 'POS_HTTP_URL')?.required, true);
  });
});
