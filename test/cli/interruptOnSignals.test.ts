import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { interruptOnSignals } from '../../src/cli/interruptOnSignals.js';
import { secret, sendFixture, spawnSend } from '../helpers/sendFixture.js';
import { startSmtpSink } from '../helpers/smtpSink.js';

const spec = { first: 'stopping after this', second: 'stopping now' };

function setup() {
  const emitter = new EventEmitter();
  const stderr = new PassThrough().setEncoding('utf8');
  let said = '';
  stderr.on('data', (chunk: string) => {
    said += chunk;
  });
  const exits: number[] = [];
  const interrupts = interruptOnSignals({
    spec,
    stderr,
    exit: (code) => exits.push(code),
    process: emitter as unknown as Pick<NodeJS.Process, 'on' | 'off'>,
  });
  return { emitter, interrupts, exits, said: () => said };
}

describe('the CLI on SIGINT and SIGTERM', () => {
  it('aborts the command’s signal on the first, saying so, and exits 130 on the second', () => {
    const { emitter, interrupts, exits, said } = setup();
    expect(interrupts.signal.aborted).toBe(false);
    emitter.emit('SIGINT');
    expect(interrupts.signal.aborted).toBe(true);
    expect(exits).toEqual([]);
    expect(said()).toBe('\nSIGINT: stopping after this\n');
    emitter.emit('SIGTERM');
    expect(exits).toEqual([130]);
    expect(said()).toBe('\nSIGINT: stopping after this\n\nSIGTERM again: stopping now\n');
  });

  it('leaves the process’s signals alone once the command has ended', () => {
    const { emitter, interrupts } = setup();
    expect(emitter.listenerCount('SIGINT')).toBe(1);
    interrupts.dispose();
    expect(emitter.listenerCount('SIGINT')).toBe(0);
    expect(emitter.listenerCount('SIGTERM')).toBe(0);
  });

  it('a send interrupted twice stops at once with 130, and the next send misses nobody', async () => {
    const sink = await startSmtpSink({ delayMs: 1000 });
    const { root, addresses } = await sendFixture(30);
    const env = { SMTP_URL: sink.url, STORYLINE_SECRET: secret };
    try {
      const { child, done } = spawnSend(root, env);
      let stderr = '';
      child.stderr?.on('data', (chunk: string) => {
        stderr += chunk;
      });
      await sink.waitForMessages(1);
      child.kill('SIGINT');
      // Two signals sent at once may arrive as one: the second after the first is taken.
      while (!stderr.includes('taking no new recipients'))
        await new Promise((resolve) => setTimeout(resolve, 10));
      child.kill('SIGINT');
      const result = await done;
      expect(result.code, result.stderr).toBe(130);
      expect(result.stderr).toContain(
        'SIGINT: taking no new recipients; finishing the messages in flight (Ctrl-C again to stop at once)…',
      );
      expect(result.stderr).toContain(
        'SIGINT again: stopping at once; the next `storyline send` resumes and says what may have gone twice',
      );
      expect(sink.messages.length).toBeLessThan(addresses.length);
      const rest = await spawnSend(root, env).done;
      expect(rest.code, rest.stderr).toBe(0);
      const counts = sink.countByAddress();
      expect(addresses.filter((a) => (counts.get(a) ?? 0) === 0)).toEqual([]);
    } finally {
      await sink.close();
    }
  }, 60_000);
});
