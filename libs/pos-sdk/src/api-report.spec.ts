import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';

const PACKAGE = resolve(__dirname, '..');
const DIST = join(PACKAGE, 'dist');
const REPORT = join(PACKAGE, 'api', 'pos-sdk.api.d.ts');
const UPDATE = 'UPDATE_API_REPORT=1 npm run test:unit';

/** Every declaration file of the build but the specs', by path. */
function declarationFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return declarationFiles(path);
      return entry.name.endsWith('.d.ts') && !entry.name.includes('.spec.') ? [path] : [];
    })
    .sort();
}

/**
 * The SDK's public surface: its emitted declarations in path order, printed without comments
 * (a reworded doc comment is not an API change), with a header naming each file.
 */
function apiReport(): string {
  const printer = ts.createPrinter({ removeComments: true, newLine: ts.NewLineKind.LineFeed });
  const parts = declarationFiles(DIST).map((file) => {
    const name = relative(DIST, file).split('\\').join('/');
    const source = ts.createSourceFile(name, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022);
    return `// ${name}\n${printer.printFile(source).trim()}\n`;
  });
  return [
    '// The API of @wix-pos-gateway/pos-sdk, from its declarations; do not edit by hand.',
    `// A change here is a change to every integration: version it (CHANGELOG.md), then ${UPDATE}.`,
    '',
    parts.join('\n'),
  ].join('\n');
}

function firstDifference(actual: string, expected: string): string {
  const [now, before] = [actual.split('\n'), expected.split('\n')];
  const line = now.findIndex((text, i) => text !== before[i]);
  const at = line === -1 ? now.length : line;
  return `line ${at + 1} is ${JSON.stringify(now[at] ?? '')}, was ${JSON.stringify(before[at] ?? '')}`;
}

describe('the SDK API report', () => {
  it(`matches libs/pos-sdk/api/pos-sdk.api.d.ts (${UPDATE})`, () => {
    const actual = apiReport();
    // eslint-disable-next-line no-restricted-properties -- the one switch of this check
    if (process.env.UPDATE_API_REPORT === '1') writeFileSync(REPORT, actual);
    const expected = existsSync(REPORT) ? readFileSync(REPORT, 'utf8') : '';
    assert.ok(
      actual === expected,
      `the SDK's API changed (libs/pos-sdk/api/pos-sdk.api.d.ts is out of date: ${firstDifference(actual, expected)}). ` +
        `If the change is meant, record it in libs/pos-sdk/CHANGELOG.md with a new version, then run ${UPDATE}`,
    );
  });
});
