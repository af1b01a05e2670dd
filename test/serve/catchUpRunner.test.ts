import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { smtpTransport } from '../../src/deliver/transports/smtpTransport.js';
import { catchUpRunner } from '../../src/serve/catchUpRunner.js';
import { listCatchUps } from '../../src/store/listCatchUps.js';
import { openStore } from '../../src/store/openStore.js';
import { catchUpNow, catchUpStory, confirmSubscriber } from '../helpers/catchUpFixture.js';
import { startSmtpSink } from '../helpers/smtpSink.js';

const secret = 'runner-test-secret-0123456789';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function runnerOnStory(sinkDelayMs: number) {
  const sink = await startSmtpSink({ delayMs: sinkDelayMs });
  const root = await catchUpStory();
  const store = await openStore({ engine: 'sqlite', file: path.join(root, '.storyline', 'r.db') });
  const transport = smtpTransport({ url: sink.url });
  const logs: Record<string, unknown>[] = [];
  const runner = catchUpRunner({
    root,
    store,
    secret,
    transport,
    env: {},
    now: () => catchUpNow,
    leaseMs: 60_000,
    sweepEveryMs: 60_000,
    log: (entry) => logs.push(entry),
  });
  onTestFinished(async () => {
    await runner.close();
    await transport.close();
    await store.close();
    await sink.close();
  });
  return { sink, store, runner, logs };
}

describe('serve’s catch-up runner', () => {
  it('mails a confirmed reader’s catch-up after the commit, and on close waits for the one in flight and takes no other', async () => {
    const { sink, store, runner, logs } = await runnerOnStory(400);
    const ada = await confirmSubscriber(store, 'ada@example.org', catchUpNow);
    const grace = await confirmSubscriber(store, 'grace@example.org', catchUpNow);
    runner.confirmed(ada);
    // Ada's message is in the SMTP exchange (the sink holds it 400 ms) when the service stops.
    while (!sink.rcptAttempts.has('ada@example.org')) await sleep(10);
    runner.confirmed(grace);
    await runner.close();
    expect(sink.messages.map((message) => message.rcpt)).toEqual([['ada@example.org']]);
    expect((await listCatchUps(store, ada)).map((row) => row.status)).toEqual(['sent']);
    // Grace's is left due, for the next start's sweep.
    expect((await listCatchUps(store, grace)).map((row) => row.status)).toEqual(['due']);
    expect(logs).toContainEqual({
      event: 'catch-up',
      sent: 1,
      failed: 0,
      deferred: 0,
      resumed: 0,
      stopped: 'interrupted',
    });
    expect(JSON.stringify(logs)).not.toContain('@example.org');
  });

  it('sweeps at start for every catch-up left due, several confirmations in one run', async () => {
    const { sink, store, runner, logs } = await runnerOnStory(0);
    for (const name of ['ada', 'grace', 'linus'])
      await confirmSubscriber(store, `${name}@example.org`, catchUpNow);
    runner.start();
    while (!logs.some((entry) => entry.event === 'catch-up')) await sleep(10);
    await runner.close();
    expect(sink.countByAddress()).toEqual(
      new Map([
        ['ada@example.org', 1],
        ['grace@example.org', 1],
        ['linus@example.org', 1],
      ]),
    );
    expect(logs.filter((entry) => entry.event === 'catch-up')).toEqual([
      { event: 'catch-up', sent: 3, failed: 0, deferred: 0, resumed: 0 },
    ]);
  });
});
