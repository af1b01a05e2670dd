// The parent's side of bench/lib/smtpSink.js: forks the sink and speaks to it.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const sinkScript = path.join(path.dirname(fileURLToPath(import.meta.url)), 'smtpSink.js');

/**
 * The smtp-server sink in its own process; `ask(type, fields)` sends a request
 * and waits for its answer, `close()` stops it. `tally` makes it count
 * messages per recipient (see smtpSink.js).
 */
export async function startSink({ tally = false } = {}) {
  const child = fork(sinkScript, tally ? ['--tally'] : [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  // A sink that dies would leave a request unanswered: fail it instead of waiting forever.
  let failPending = () => {};
  child.on('exit', (code, signal) => {
    failPending(new Error(`bench: the sink exited (${code ?? signal})`));
  });
  const next = () =>
    new Promise((resolve, reject) => {
      failPending = reject;
      child.once('message', resolve);
    });
  const first = await next();
  if (first?.type !== 'listening') throw new Error('bench: the sink did not start');
  return {
    child,
    port: first.port,
    async ask(type, fields = {}) {
      const answer = next();
      child.send({ type, ...fields });
      const message = await answer;
      if (message?.type !== type)
        throw new Error(`bench: the sink answered ${message?.type} to ${type}`);
      return message;
    },
    async close() {
      const exited = once(child, 'exit');
      child.send({ type: 'close' });
      await exited;
    },
  };
}
