import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { parseOptions } from './options';

describe('parseOptions', () => {
  it('reads each option and its value', () => {
    const options = parseOptions([
      '--overload-rate',
      '150',
      '--overload-seconds',
      '20',
      '--warm-up-seconds',
      '15',
      '--embedded',
      '--out',
      '/tmp/figures.json',
    ]);
    assert.equal(options.overloadRate, 150);
    assert.equal(options.overloadSeconds, 20);
    assert.equal(options.overloadWarmUpSeconds, 15);
    assert.equal(options.embedded, true);
    assert.equal(options.overloadWorkers, 1);
    assert.equal(options.out, '/tmp/figures.json');
    assert.deepEqual(parseOptions(['--quick']).concurrency, [8, 32]);
  });

  it('refuses an option it does not know, or one without its value', () => {
    for (const argv of [
      ['--overload-rate', '20', '--large-menus'],
      ['--rate', '100'],
      ['100'],
      ['--overload-rate'],
      ['--out', '--quick'],
    ]) {
      assert.throws(() => parseOptions(argv), /unknown option|needs a value/, argv.join(' '));
    }
  });
});

describe('npm run bench', () => {
  const main = resolve(__dirname, 'main.js');
  const run = (...argv: string[]) =>
    spawnSync(process.execPath, [main, ...argv], { encoding: 'utf8', timeout: 20_000 });

  it('prints its options with --help, and starts nothing', () => {
    const { status, stdout } = run('--help');
    assert.equal(status, 0);
    assert.match(stdout, /--overload-rate N/);
    assert.doesNotMatch(stdout, /starting|ready/);
  });

  it('exits on a misspelt option before it starts anything', () => {
    const { status, stdout, stderr } = run('--overload-rate', '20', '--large-menus');
    assert.equal(status, 1);
    assert.match(stderr, /unknown option "--large-menus"/);
    assert.equal(stdout, '');
  });
});
