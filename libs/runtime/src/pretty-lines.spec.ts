import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from './logger';
import { prettyLine } from './pretty-lines';

describe('prettyLine', () => {
  it('shows time, level, context, message and the other fields as key=value', () => {
    const line = JSON.stringify({
      level: 'info',
      time: '2026-11-30T00:47:17.789Z',
      pid: 1,
      hostname: 'vm',
      context: 'Orders',
      msg: 'order answered',
      brand: 'demo',
      outcome: 'accepted',
      note: 'two words',
      ms: 12,
    });
    assert.equal(
      prettyLine(line, false),
      '00:47:17.789 INFO  [Orders] order answered brand=demo outcome=accepted note="two words" ms=12\n',
    );
  });

  it('colours the level when asked, and puts an error stack under its line', () => {
    const line = JSON.stringify({
      level: 'error',
      msg: 'boom',
      err: { stack: 'Error: boom\n  at x' },
    });
    assert.equal(prettyLine(line, true), ' \x1b[31mERROR\x1b[0m boom\nError: boom\n  at x\n');
  });

  it('passes a line that is not JSON through', () => {
    assert.equal(prettyLine('plain\n', false), 'plain\n');
  });

  it('receives lines already redacted', () => {
    let out = '';
    const logger = createLogger('info', {
      write: (line: string) => void (out += prettyLine(line, false)),
    });
    logger.warn('card 4111111111111111 declined', 'Payments');
    assert.match(out, /WARN {2}\[Payments\] card 411111\*{6}1111 declined\n$/);
  });
});
