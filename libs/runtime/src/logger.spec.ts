import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { createLogger } from './logger';

const PAN = '4111111111111111';

/** What the logger writes while `write` runs. */
function captured(write: (logger: ReturnType<typeof createLogger>) => void): string {
  let out = '';
  write(createLogger('debug', { write: (line: string) => void (out += line) }));
  return out;
}

describe('createLogger', () => {
  it('redacts card data at every level, in objects, strings and errors', () => {
    const out = captured((logger) => {
      logger.log({ event: 'x', cards: { t: { number: PAN, csc: '123' } } });
      logger.warn(`card ${PAN} in a sentence`);
      logger.error(new Error(`failed for ${PAN}`), `stack mentioning ${PAN}`);
      logger.debug({ nested: { holderId: '031234567', number: PAN } });
    });
    assert.ok(out.length > 0);
    assert.ok(!out.includes(PAN), out);
    assert.ok(!out.includes('031234567'), out);
    assert.match(out, /411111\*{6}1111/);
  });
});

describe('crash', () => {
  it('ends the process with a redacted report of an uncaught error', () => {
    const script = `require(${JSON.stringify(require.resolve('./crash'))}).installCrashHandlers();
      setTimeout(() => { throw new Error('charging ${PAN} failed'); });`;
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    assert.equal(child.status, 1);
    assert.ok(!child.stderr.includes(PAN), child.stderr);
    assert.match(child.stderr, /"level":"fatal".*charging 411111\*{6}1111 failed/);
  });
});
