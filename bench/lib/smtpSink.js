// The mail server for bench/send: an smtp-server in its own process (forked by
// the bench, spoken to over IPC) that accepts every message and throws it
// away. Its own process, so its CPU is not charged to the sender measured;
// it reads each message to the end, so the sender really transmits every byte.
//
// Messages from the parent: {type: 'reset'} zeroes the counts and the clock;
// {type: 'stats'} is answered with {type: 'stats', ...} (see `stats()`).
// {type: 'close'} stops the server and exits.
import process from 'node:process';
import { SMTPServer } from 'smtp-server';

let count = 0;
let bytes = 0;
let connections = 0;
let cpuAtReset = process.cpuUsage();
let resetAt = performance.now();
/** From the first connection after a reset to the end of the last message: the send phase as the server saw it. */
let firstConnectionAt;
let lastMessageAt;

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
  onData(stream, _session, callback) {
    stream.on('data', (chunk) => {
      bytes += chunk.length;
    });
    stream.on('end', () => {
      count++;
      lastMessageAt = performance.now();
      callback();
    });
  },
});

server.on('error', (error) => {
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

process.on('message', (message) => {
  if (message?.type === 'reset') {
    count = 0;
    bytes = 0;
    connections = 0;
    firstConnectionAt = undefined;
    lastMessageAt = undefined;
    cpuAtReset = process.cpuUsage();
    resetAt = performance.now();
    process.send?.({ type: 'reset' });
  } else if (message?.type === 'stats') {
    process.send?.(stats());
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
