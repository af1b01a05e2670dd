import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { addressHash } from '../../src/ledger/addressHash.js';
import { inFlightHashes, until } from '../helpers/crashTrial.js';
import { fillStore } from '../helpers/fillStore.js';
import { seededRandom } from '../helpers/seededRandom.js';
import { fastSend, secret, sendFixture, spawnSend } from '../helpers/sendFixture.js';
import { startSmtpSink } from '../helpers/smtpSink.js';

const editionId = '2014-02-10-second-round-geneva';

/** Addresses unlike the fixture's CSV, so a message to one proves the store was read. */
const members = (count: number) =>
  Array.from({ length: count }, (_, i) => `member${i}@example.net`);

describe('a send from the store stopped part-way and run again', () => {
  it('after SIGKILL at 5 seeded moments of a send to 1,000 from SQLite, misses nobody and duplicates at most what was in flight', async () => {
    const seed = 20261130;
    const random = seededRandom(seed);
    const kills = 5;
    const { root } = await sendFixture(0);
    const file = path.join(root, '.storyline', 'storyline.db');
    const addresses = members(1000);
    await fillStore({ engine: 'sqlite', file }, addresses);
    const sink = await startSmtpSink();
    const env = { SMTP_URL: sink.url, STORYLINE_SECRET: secret, STORYLINE_DATABASE_URL: file };
    const addressOf = new Map(addresses.map((a) => [addressHash(a, secret), a]));
    const log: string[] = [];
    const perKill: { inFlight: number; deliveredUnjournaled: number }[] = [];
    try {
      for (let k = 0; k < kills; k++) {
        const before = sink.messages.length;
        const countsBefore = sink.countByAddress();
        const { child, done } = spawnSend(root, env);
        let moment: string;
        let ended: boolean;
        if (k === 0) {
          // One kill from start-up on: opening the store, the lock, the journal.
          const ms = Math.round(50 + random() * 1000);
          moment = `${ms} ms after spawn`;
          ended = await until(sleep(ms), done);
        } else {
          const n = 1 + Math.floor(random() * 150);
          moment = `after ${n} messages`;
          ended = await until(sink.waitForMessages(before + n), done);
        }
        child.kill('SIGKILL');
        const result = await done;
        await sink.waitForIdle();
        const inFlight = await inFlightHashes(root, editionId);
        const received = sink.countByAddress();
        const deliveredUnjournaled = inFlight.filter((h) => {
          const address = addressOf.get(h) ?? '';
          return (received.get(address) ?? 0) > (countsBefore.get(address) ?? 0);
        }).length;
        perKill.push({ inFlight: inFlight.length, deliveredUnjournaled });
        log.push(
          `kill ${k + 1} ${moment}${ended ? ' (the run had ended already)' : ''}: ${result.signal ?? `exit ${result.code}`}, ${sink.messages.length - before} messages this run, ${inFlight.length} in flight`,
        );
      }
      const final = await spawnSend(root, env).done;
      log.push(`final run: exit ${final.code}`);
      expect(final.code, final.stderr).toBe(0);

      const counts = sink.countByAddress();
      const duplicates = [...counts.values()].reduce((sum, n) => sum + n - 1, 0);
      log.push(
        `seed ${seed}: ${sink.messages.length} messages to ${counts.size} addresses, ${duplicates} duplicates`,
      );
      console.log(log.join('\n'));

      expect(addresses.filter((a) => !counts.has(a))).toEqual([]);
      expect([...counts.keys()].filter((a) => !addressOf.has(addressHash(a, secret)))).toEqual([]);
      for (const [i, kill] of perKill.entries())
        expect(kill.inFlight, `in flight at kill ${i + 1}`).toBeLessThanOrEqual(
          fastSend.concurrency,
        );
      expect(duplicates).toBeLessThanOrEqual(
        perKill.reduce((sum, kill) => sum + kill.deliveredUnjournaled, 0),
      );
      expect(duplicates).toBeLessThanOrEqual(kills * fastSend.concurrency);
    } finally {
      await sink.close();
    }
  }, 150_000);
});
