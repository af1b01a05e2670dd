import { existsSync } from 'node:fs';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { addressHash } from '../../src/ledger/addressHash.js';
import { secretId } from '../../src/ledger/secretId.js';
import { appendSuppression, suppressionFor } from '../../src/ledger/suppressions.js';
import { journalRecords } from '../helpers/journalRecords.js';
import { runCli } from '../helpers/runCli.js';
import {
  dryRunCount,
  listFiles,
  secret,
  sendFixture,
  sendInProcess,
  spawnSend,
} from '../helpers/sendFixture.js';
import { startSmtpSink } from '../helpers/smtpSink.js';

const editionId = '2014-02-10-second-round-geneva';

/** Every file under `root` with its size and modification time. */
async function snapshot(root: string): Promise<string[]> {
  const files = await listFiles(root);
  return Promise.all(
    files.map(async (file) => {
      const info = await stat(path.join(root, file));
      return `${file} ${info.size} ${info.mtimeMs}`;
    }),
  );
}

async function journalHashes(file: string): Promise<string[]> {
  return (await journalRecords(file, secretId(secret)))
    .filter((entry) => entry.status === 'sent')
    .map((entry) => entry.hash);
}

describe('send --dry-run and --to', () => {
  it('--dry-run counts the recipients, sends nothing and writes nothing', async () => {
    const sink = await startSmtpSink();
    const { root } = await sendFixture(40);
    try {
      const before = await snapshot(root);
      const result = await sendInProcess(
        root,
        { SMTP_URL: sink.url, STORYLINE_SECRET: secret },
        { dryRun: true },
      );
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/would go to 40 of 40 subscribers/);
      expect(result.stdout).toContain('Nothing was sent or written');
      expect(sink.messages).toHaveLength(0);
      expect(sink.rcptAttempts.size).toBe(0);
      expect(await snapshot(root)).toEqual(before);
    } finally {
      await sink.close();
    }
  });

  it('--to sends one copy marked [TEST] to that address and writes nothing under archive/', async () => {
    const sink = await startSmtpSink();
    const { root } = await sendFixture(40);
    try {
      const result = await sendInProcess(
        root,
        { SMTP_URL: sink.url, STORYLINE_SECRET: secret },
        { to: 'editor@example.net' },
      );
      expect(result.code, result.stderr).toBe(0);
      expect(sink.messages).toHaveLength(1);
      const [message] = sink.messages;
      expect(message?.rcpt).toEqual(['editor@example.net']);
      const parsed = await message?.parsed();
      expect(parsed?.subject).toMatch(/^\[TEST\] Second Round/);
      expect(parsed?.text).toBeTruthy();
      expect(parsed?.html).toBeTruthy();
      expect(existsSync(path.join(root, 'archive'))).toBe(false);
      // Not a delivery: the edition is still to be sent to everyone.
      const dry = await dryRunCount(root, { SMTP_URL: sink.url, STORYLINE_SECRET: secret });
      expect(dry).toMatchObject({ status: 'counted', toSend: 40, total: 40, done: 0 });
      expect(dry.status === 'counted' && path.basename(dry.subscribers)).toBe('subscribers.csv');
    } finally {
      await sink.close();
    }
  });
});

describe('two sends of one edition', () => {
  it('refuses a second send while the first runs on this machine', async () => {
    const sink = await startSmtpSink({ delayMs: 200 });
    const { root, addresses } = await sendFixture(150);
    const env = { SMTP_URL: sink.url, STORYLINE_SECRET: secret };
    try {
      const first = spawnSend(root, env);
      await sink.waitForMessages(1);
      const second = await runCli(['send'], { cwd: root, env });
      const sentWhileSecondRan = sink.messages.length;
      console.log(
        `second send (after ${sentWhileSecondRan} of 150 messages): exit ${second.code}: ${second.stderr.trim()}`,
      );
      expect(sentWhileSecondRan, 'the first send was still running').toBeLessThan(150);
      expect(second.code).toBe(1);
      expect(second.stderr).toContain('another storyline send');
      expect(second.stderr).toMatch(/process \d+/);
      // Stop the first and finish at full speed: the lock goes with the process.
      first.child.kill('SIGTERM');
      expect((await first.done).code).toBe(1);
      sink.delayMs = 0;
      const third = await runCli(['send'], { cwd: root, env });
      expect(third.code, third.stderr).toBe(0);
      const counts = sink.countByAddress();
      expect(addresses.filter((a) => counts.get(a) !== 1)).toEqual([]);
    } finally {
      await sink.close();
    }
  });
});

describe('send --shard i/n', () => {
  it('three shards cover every subscriber exactly once; the edition completes with the third', async () => {
    const sink = await startSmtpSink();
    const { root, addresses } = await sendFixture(300);
    const env = { SMTP_URL: sink.url, STORYLINE_SECRET: secret };
    const dir = path.join(root, 'archive', editionId);
    const editionJson = path.join(dir, 'edition.json');
    try {
      const shards: string[][] = [];
      for (let index = 1; index <= 3; index++) {
        const result = await sendInProcess(root, env, { shard: { index, count: 3 } });
        expect(result.code, result.stderr).toBe(0);
        const journal = path.join(dir, `deliveries.${index}-of-3.jsonl`);
        expect(existsSync(journal)).toBe(true);
        shards.push(await journalHashes(journal));
        if (index < 3) {
          expect(result.stdout).toContain('This shard is complete');
          expect(existsSync(editionJson), `edition.json after shard ${index}`).toBe(false);
        }
      }
      console.log(`shards of 300: ${shards.map((s) => s.length).join(' + ')}`);
      const record = JSON.parse(await readFile(editionJson, 'utf8')) as {
        complete: boolean;
        shards: number;
        counts: Record<string, number>;
      };
      expect(record).toMatchObject({ complete: true, shards: 3 });
      expect(record.counts).toEqual({ sent: 300, failed: 0, suppressed: 0, deferred: 0 });
      expect(existsSync(path.join(dir, 'deliveries.jsonl'))).toBe(false);

      const counts = sink.countByAddress();
      expect(addresses.filter((a) => counts.get(a) !== 1)).toEqual([]);
      expect(sink.messages).toHaveLength(300);
      const all = shards.flat();
      expect(new Set(all).size).toBe(300);
      expect(new Set(all)).toEqual(new Set(addresses.map((a) => addressHash(a, secret))));
      for (const shard of shards) expect(shard.length).toBeGreaterThan(50);

      const again = await sendInProcess(root, env, { shard: { index: 2, count: 3 } });
      expect(again.stdout).toMatch(/^Nothing to send/);
      expect(sink.messages).toHaveLength(300);
    } finally {
      await sink.close();
    }
  });

  it('refuses to send unsplit, or split another way, an edition that shards have begun', async () => {
    const sink = await startSmtpSink();
    const { root, addresses } = await sendFixture(60);
    const env = { SMTP_URL: sink.url, STORYLINE_SECRET: secret };
    try {
      const first = await sendInProcess(root, env, { shard: { index: 1, count: 3 } });
      expect(first.code, first.stderr).toBe(0);
      const sentByShard = sink.messages.length;
      const unsplit = await sendInProcess(root, env);
      const otherSplit = await sendInProcess(root, env, { shard: { index: 1, count: 2 } });
      console.log(`unsplit: ${unsplit.stderr.trim()}\nsplit in 2: ${otherSplit.stderr.trim()}`);
      expect(unsplit.code).toBe(1);
      expect(otherSplit.code).toBe(1);
      expect(sink.messages).toHaveLength(sentByShard);
      for (let index = 2; index <= 3; index++)
        expect((await sendInProcess(root, env, { shard: { index, count: 3 } })).code).toBe(0);
      const counts = sink.countByAddress();
      expect(addresses.filter((a) => counts.get(a) !== 1)).toEqual([]);
    } finally {
      await sink.close();
    }
  });

  it('refuses to split an edition that an unsplit send has begun', async () => {
    const sink = await startSmtpSink({ delayMs: 20 });
    const { root, addresses } = await sendFixture(60);
    const env = { SMTP_URL: sink.url, STORYLINE_SECRET: secret };
    try {
      const controller = new AbortController();
      const running = sendInProcess(root, env, { signal: controller.signal });
      await sink.waitForMessages(5);
      controller.abort();
      const stopped = await running;
      expect(stopped.code).toBe(1);
      expect(stopped.stderr).toContain('resume with `storyline send`');
      const before = sink.messages.length;
      const split = await sendInProcess(root, env, { shard: { index: 1, count: 2 } });
      console.log(`split after unsplit: ${split.stderr.trim()}`);
      expect(split.code).toBe(1);
      expect(split.stderr).toContain('without --shard');
      expect(sink.messages).toHaveLength(before);
      expect((await sendInProcess(root, env)).code).toBe(0);
      const counts = sink.countByAddress();
      expect(addresses.filter((a) => counts.get(a) !== 1)).toEqual([]);
    } finally {
      await sink.close();
    }
  });
});

describe('send --dry-run refuses what a send would refuse', () => {
  /** A dry run and a real send of `root` under `env`: both must refuse, alike. */
  async function bothRefuse(root: string, env: NodeJS.ProcessEnv, reason: RegExp): Promise<void> {
    const before = await snapshot(root);
    const dry = await sendInProcess(root, { ...process.env, ...env }, { dryRun: true });
    const real = await sendInProcess(root, { ...process.env, ...env });
    expect(dry.stderr).toMatch(reason);
    expect(real.stderr).toMatch(reason);
    expect(dry.code, dry.stderr).toBe(1);
    expect(real.code, real.stderr).toBe(1);
    expect(dry.stdout).not.toMatch(/would go to/);
    expect(await snapshot(root)).toEqual(before);
  }

  it('unsubscribes recorded under another STORYLINE_SECRET', async () => {
    const { root, addresses } = await sendFixture(3);
    await appendSuppression(
      root,
      suppressionFor(addresses[0] ?? '', 'unsubscribed', 'an-older-secret-0123456789', new Date()),
    );
    await bothRefuse(root, { STORYLINE_SECRET: secret }, /another STORYLINE_SECRET/);
  });

  it('an SMTP send without a way to unsubscribe', async () => {
    const { root } = await sendFixture(3);
    const configPath = path.join(root, 'storyline.config.json');
    const config = JSON.parse(await readFile(configPath, 'utf8')) as Record<string, unknown>;
    delete config.unsubscribe;
    await writeFile(configPath, JSON.stringify(config));
    await bothRefuse(
      root,
      { STORYLINE_SECRET: secret, SMTP_URL: 'smtp://127.0.0.1:1' },
      /neither `unsubscribe.url` nor `unsubscribe.mailto`/,
    );
  });

  it('the example list through a relay that is not on loopback', async () => {
    const { root } = await sendFixture(3);
    await rm(path.join(root, 'subscribers.csv'));
    await bothRefuse(
      root,
      { STORYLINE_SECRET: secret, SMTP_URL: 'smtp://u:p@relay.storyline-test.invalid:587' },
      /refusing to mail the example list subscribers\.example\.csv/,
    );
  });

  it('a DKIM key that does not parse', async () => {
    const { root } = await sendFixture(3);
    await bothRefuse(
      root,
      {
        STORYLINE_SECRET: secret,
        DKIM_PRIVATE_KEY:
          '-----BEGIN PRIVATE KEY----- MIIEvQIBADANBgkqhkiG9w0BAQEFAASC -----END PRIVATE KEY-----',
        DKIM_SELECTOR: 'test',
        DKIM_DOMAIN: 'example.org',
      },
      /DKIM_PRIVATE_KEY does not parse/,
    );
  });
});
