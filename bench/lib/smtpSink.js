// The mail server for bench/send: an smtp-server in its own process (forked by
// the bench, spoken to over IPC) that accepts every message and throws it
// away. Its own process, so its CPU is not charged to the sender measured;
// it reads each message to the end, so the sender really transmits every byte.
//
// Messages from the parent: {type: 'reset'} zeroes the counts and the clock;
// {type: 'stats'} is answered with {type: 'stats', ...} (see `stats()`).
// {type: 'close'} stops the server and exits.
// Started with `--tally`, it also counts messages per recipient address (a
// Map of a million strings: fine in its own process, never in the sender's),
// and {type: 'tally', expected: N} is answered with how many of the
// addresses `subscriberEmail(0..N-1)` got none (missing) and how many
// messages beyond one each they got (duplicates); a reset clears it.
import process from 'node:process';
import { SMTPServer } from 'smtp-server';
import { subscriberEmail } from './subscriberList.js';

let count = 0;
let bytes = 0;
let connections = 0;
let cpuAtReset = process.cpuUsage();
let resetAt = performance.now();
/** From the first connection after a reset to the end of the last message: the send phase as the server saw it. */
let firstConnectionAt;
let lastMessageAt;
const tally = process.argv.includes('--tally') ? new Map() : undefined;

const server = new SMTPServer({
  authOptional: true,
  // Plain SMTP on loopback: no STARTTLS offered, no AUTH asked for.
  disabledCommands: ['STARTTLS', 'AUTH'],
  // A reverse DNS lookup per connection would time the resolver, not the sender.
  disableReverseLookup: true,
  logger: false,
  banner: 'storyline bench sink',
  onConnect(_session, callback) {
    connections++;
    firstConnectionAt ??= performance.now();
    callback();
  },
  onData(stream, session, callback) {
    stream.on('data', (chunk) => {
      bytes += chunk.length;
    });
    stream.on('end', () => {
      count++;
      if (tally) {
        for (const { address } of session.envelope.rcptTo) {
          const key = address.toLowerCase();
          tally.set(key, (tally.get(key) ?? 0) + 1);
        }
      }
      lastMessageAt = performance.now();
      callback();
    });
  },
});

server.on('error', (error) => {
  // A sender the bench kills on purpose (bench/scale) resets its connections.
  if (error.code === 'ECONNRESET') return;
  process.stderr.write(`bench sink: ${error.message}\n`);
});

function stats() {
  const cpu = process.cpuUsage(cpuAtReset);
  return {
    type: 'stats',
    count,
    bytes,
    connections,
    cpuMs: (cpu.user + cpu.system) / 1000,
    sinceResetMs: performance.now() - resetAt,
    // Milliseconds from the first connection to the last message received.
    sendPhaseMs:
      firstConnectionAt !== undefined && lastMessageAt !== undefined
        ? lastMessageAt - firstConnectionAt
        : undefined,
    maxRssKb: process.resourceUsage().maxRSS,
  };
}

/** Who of the first `expected` generated subscribers got nothing, and how many copies beyond one were received. */
function tallyOf(expected) {
  let missing = 0;
  let duplicates = 0;
  let unexpected = 0;
  for (let i = 0; i < expected; i++) {
    if (!tally?.has(subscriberEmail(i))) missing++;
  }
  for (const [address, times] of tally ?? []) {
    duplicates += times - 1;
    if (!/^reader\d+@example\.org$/.test(address)) unexpected += times;
  }
  return {
    type: 'tally',
    recorded: tally !== undefined,
    distinct: tally?.size ?? 0,
    missing,
    duplicates,
    unexpected,
  };
}

process.on('message', (message) => {
  if (message?.type === 'reset') {
    count = 0;
    bytes = 0;
    connections = 0;
    firstConnectionAt = undefined;
    lastMessageAt = undefined;
    tally?.clear();
    cpuAtReset = process.cpuUsage();
    resetAt = performance.now();
    process.send?.({ type: 'reset' });
  } else if (message?.type === 'stats') {
    process.send?.(stats());
  } else if (message?.type === 'tally') {
    process.send?.(tallyOf(message.expected));
  } else if (message?.type === 'close') {
    server.close(() => process.exit(0));
    // Open pooled connections would keep close() waiting; the bench is done with them.
    setTimeout(() => process.exit(0), 1000).unref();
  }
});

// The parent going away must not leave a server listening.
process.on('disconnect', () => process.exit(0));

server.listen(0, '127.0.0.1', () => {
  process.send?.({ type: 'listening', port: server.server.address().port });
});
