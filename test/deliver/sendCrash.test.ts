import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { addressHash } from '../../src/ledger/addressHash.js';
import { inFlightHashes, until } from '../helpers/crashTrial.js';
import { seededRandom } from '../helpers/seededRandom.js';
import {
  addressesFoundUnder,
  fastSend,
  listFiles,
  secret,
  sendFixture,
  spawnSend,
} from '../helpers/sendFixture.js';
import { startSmtpSink } from '../helpers/smtpSink.js';

const editionId = '2014-02-10-second-round-geneva';
const subscribers = 2000;
const kills = 10;

/** N from `warning: N recipients were being sent to when the last run stopped…`. */
function reportedDuplicates(stderr: string): number {
  const match =
    /warning: (\d+) recipients? (?:were|was) being sent to when the last run stopped/.exec(stderr);
  return match ? Number(match[1]) : 0;
}

describe('a send stopped part-way and run again', () => {
  it('after SIGKILL at 10 random moments, misses nobody and duplicates only what was in flight, and says so', async () => {
    const seed = 20140210;
    const random = seededRandom(seed);
    const sink = await startSmtpSink();
    const { root, addresses } = await sendFixture(subscribers);
    const env = { SMTP_URL: sink.url, STORYLINE_SECRET: secret };
    const addressOf = new Map(addresses.map((a) => [addressHash(a, secret), a]));
    const log: string[] = [];
    const perKill: { inFlight: number; deliveredUnjournaled: number }[] = [];
    let reported = 0;
    try {
      for (let k = 0; k < kills; k++) {
        const before = sink.messages.length;
        const countsBefore = sink.countByAddress();
        const { child, done } = spawnSend(root, env);
        // Some kills land anywhere from start-up on (lock, journal, first
        // connections); most while messages stream.
        let moment: string;
        let ended: boolean;
        if (k % 3 === 0) {
          const ms = Math.round(50 + random() * 1450);
          moment = `${ms} ms after spawn`;
          ended = await until(sleep(ms), done);
        } else {
          const n = 1 + Math.floor(random() * 200);
          moment = `after ${n} messages`;
          ended = await until(sink.waitForMessages(before + n), done);
        }
        child.kill('SIGKILL');
        const result = await done;
        // Let the sink handle what reached its sockets before the kill.
        await sink.waitForIdle();
        reported += reportedDuplicates(result.stderr);
        const inFlight = await inFlightHashes(root, editionId);
        // In flight and arrived in this run: delivered, but the journal cannot
        // know, so the next run sends them again.
        const received = sink.countByAddress();
        const deliveredUnjournaled = inFlight.filter((h) => {
          const address = addressOf.get(h) ?? '';
          return (received.get(address) ?? 0) > (countsBefore.get(address) ?? 0);
        }).length;
        perKill.push({ inFlight: inFlight.length, deliveredUnjournaled });
        log.push(
          `kill ${k + 1} ${moment}${ended ? ' (the run had ended already)' : ''}: ${result.signal ?? `exit ${result.code}`}, ${sink.messages.length - before} messages this run, ${inFlight.length} in flight (${deliveredUnjournaled} of them arrived in this run), run reported ${reportedDuplicates(result.stderr)}`,
        );
      }
      const final = spawnSend(root, env);
      const result = await final.done;
      reported += reportedDuplicates(result.stderr);
      log.push(`final run: exit ${result.code}, reported ${reportedDuplicates(result.stderr)}`);
      expect(result.code, result.stderr).toBe(0);

      const counts = sink.countByAddress();
      const missed = addresses.filter((a) => !counts.has(a));
      const duplicates = [...counts.values()].reduce((sum, n) => sum + n - 1, 0);
      log.push(
        `seed ${seed}: ${sink.messages.length} messages to ${counts.size} addresses, ${duplicates} duplicates, ${reported} reported as possible duplicates`,
      );
      console.log(log.join('\n'));

      expect(missed).toEqual([]);
      for (const [i, kill] of perKill.entries()) {
        expect(kill.inFlight, `in flight at kill ${i + 1}`).toBeLessThanOrEqual(
          fastSend.concurrency,
        );
      }
      expect(duplicates).toBeLessThanOrEqual(
        perKill.reduce((sum, kill) => sum + kill.deliveredUnjournaled, 0),
      );
      expect(duplicates).toBeLessThanOrEqual(kills * fastSend.concurrency);
      expect(reported).toBeGreaterThanOrEqual(duplicates);
      expect(await inFlightHashes(root, editionId)).toEqual([]);
      expect((await addressesFoundUnder(path.join(root, 'archive'), addresses)).found).toEqual([]);
      const leftovers = (await listFiles(path.join(root, 'archive'))).filter((f) =>
        f.endsWith('.tmp'),
      );
      if (leftovers.length > 0) console.log(`temporary files left in archive/: ${leftovers}`);
    } finally {
      await sink.close();
    }
  }, 150_000);

  it('after SIGTERM at 10 random moments, misses nobody, duplicates nobody, and each stopped run says to resume', async () => {
    const seed = 20140122;
    const random = seededRandom(seed);
    const sink = await startSmtpSink();
    const { root, addresses } = await sendFixture(subscribers);
    const env = { SMTP_URL: sink.url, STORYLINE_SECRET: secret };
    const log: string[] = [];
    try {
      for (let k = 0; k < kills; k++) {
        const before = sink.messages.length;
        const { child, done } = spawnSend(root, env);
        const n = 1 + Math.floor(random() * 150);
        // A signal arriving once messages flow, so the send has its handler.
        const ended = await until(sink.waitForMessages(before + n), done);
        child.kill('SIGTERM');
        const result = await done;
        log.push(
          `SIGTERM ${k + 1} after ${n} messages${ended ? ' (the run had ended already)' : ''}: exit ${result.code}, ${sink.messages.length - before} messages this run`,
        );
        expect(ended, 'the run ended before the signal').toBe(false);
        expect(result.code, result.stderr).toBe(1);
        expect(result.stderr).toContain('resume with `storyline send`');
      }
      const final = await spawnSend(root, env).done;
      log.push(`final run: exit ${final.code}`);
      expect(final.code, final.stderr).toBe(0);
      const counts = sink.countByAddress();
      log.push(`seed ${seed}: ${sink.messages.length} messages to ${counts.size} addresses`);
      console.log(log.join('\n'));
      expect(addresses.filter((a) => counts.get(a) !== 1)).toEqual([]);
      expect(sink.messages).toHaveLength(subscribers);
    } finally {
      await sink.close();
    }
  }, 150_000);
});
