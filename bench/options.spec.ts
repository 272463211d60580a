import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { USAGE, UsageError, parseOptions } from './options';

/** The options of `argv`, in an environment npm left nothing in. */
const parse = (...argv: string[]) => parseOptions(argv, {});

describe('parseOptions', () => {
  it('reads each option and its value', () => {
    const options = parse(
      '--overload-rate',
      '150',
      '--overload-seconds',
      '20',
      '--warm-up-seconds',
      '15',
      '--embedded',
      '--out',
      '/tmp/figures.json',
    );
    assert.equal(options.overloadRate, 150);
    assert.equal(options.overloadSeconds, 20);
    assert.equal(options.overloadWarmUpSeconds, 15);
    assert.equal(options.embedded, true);
    assert.equal(options.overloadWorkers, 1);
    assert.equal(options.out, '/tmp/figures.json');
    assert.equal(parse('--overload-rate', '5', '--warm-up-seconds', '0').overloadWarmUpSeconds, 0);
    assert.deepEqual(parse('--rates', '10,100', '--concurrency', '1').rates, [10, 100]);
    const quick = parse('--quick');
    assert.deepEqual([quick.seconds, quick.concurrency, quick.overloadSeconds], [3, [8, 32], 5]);
  });

  it('refuses an option it does not know, given twice, without its value or out of place', () => {
    for (const [argv, message] of [
      [['--overload-rate', '20', '--large-menus'], /unknown option "--large-menus"/],
      [['--rate', '100'], /unknown option "--rate"/],
      [['100'], /unknown option "100"/],
      [['--out=x.json'], /unknown option/],
      [['--overload-rate'], /--overload-rate needs a value/],
      [['--out', '--quick'], /--out needs a value/],
      [['--seconds', '5', '--seconds', '20'], /--seconds is given twice/],
      [['--warm-up-seconds', '15'], /--warm-up-seconds goes with --overload-rate/],
      [['--large-menu'], /--large-menu goes with --overload-rate/],
    ] as const) {
      assert.throws(() => parse(...argv), message, argv.join(' '));
    }
  });

  it('refuses values that are no numbers where numbers are needed', () => {
    for (const [argv, message] of [
      [['--seconds', 'ten'], /--seconds takes numbers above 0, not "ten"/],
      [['--seconds', '-5'], /--seconds takes numbers above 0/],
      [['--seconds', '5,6'], /--seconds takes one number, not "5,6"/],
      [['--rates', '100,,300'], /--rates takes numbers above 0, not "100,,300"/],
      [['--concurrency', ''], /--concurrency takes whole numbers from 1/],
      [['--concurrency', '1.5'], /--concurrency takes whole numbers from 1/],
      [['--overload-rate', '0'], /--overload-rate must be a number above 0/],
    ] as const) {
      assert.throws(() => parse(...argv), message, argv.join(' '));
    }
  });

  it('refuses an option npm took for its own, given without --', () => {
    assert.throws(
      () => parseOptions([], { npm_config_quick: 'true' }),
      (error: unknown) =>
        error instanceof UsageError && /npm run bench -- --quick/.test(error.message),
    );
    assert.throws(() => parseOptions(['3'], { npm_config_seconds: 'true' }), /--seconds/);
  });
});

describe('npm run bench', () => {
  const main = resolve(__dirname, 'main.js');
  const run = (...argv: string[]) =>
    spawnSync(process.execPath, [main, ...argv], { encoding: 'utf8', timeout: 20_000 });

  it('prints its options with --help, and nothing else', () => {
    const { status, stdout, stderr } = run('--help');
    assert.equal(status, 0, stderr);
    assert.equal(stdout, `${USAGE}\n`);
    assert.equal(stderr, '');
  });

  it('exits on a misspelt option before it starts anything, saying only what is wrong', () => {
    const { status, stdout, stderr } = run('--overload-rate', '20', '--large-menus');
    assert.equal(status, 1, stderr);
    assert.equal(stderr, 'unknown option "--large-menus": see npm run bench -- --help\n');
    assert.equal(stdout, '');
  });
});
