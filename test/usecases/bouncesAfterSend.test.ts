import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeVerpId, editionTag } from '../../src/bounces/verpId.js';
import { run as runBounces } from '../../src/commands/bouncesCommand.js';
import { run as runStatus } from '../../src/commands/statusCommand.js';
import { addressHash } from '../../src/ledger/addressHash.js';
import { findSubscriber } from '../../src/store/findSubscriber.js';
import { openStore } from '../../src/store/openStore.js';
import type { Store } from '../../src/store/Store.js';
import { applyBounceEvents } from '../../src/usecases/applyBounceEvents.js';
import { captureIo } from '../helpers/captureIo.js';
import { fillStore } from '../helpers/fillStore.js';
import { updateMd } from '../helpers/fixture.js';
import { secret, sendFixture, sendInProcess } from '../helpers/sendFixture.js';
import { startSmtpSink } from '../helpers/smtpSink.js';

const firstEdition = '2014-02-10-second-round-geneva';
const now = () => new Date('2014-02-12T09:00:00.000Z');

async function runCommand(
  command: typeof runStatus,
  root: string,
  env: NodeJS.ProcessEnv,
  positionals: string[] = [],
  values: Record<string, string | boolean> = {},
) {
  const captured = captureIo(root, env, () => new Date());
  const code = await command({ values, positionals, io: captured.io });
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

for (const kind of ['a CSV list', 'the SQLite store'] as const) {
  describe(`bounces after a send to ${kind}`, () => {
    it('sends with a VERP envelope sender, and the next send skips the bounced and the complainer', async () => {
      const { root, addresses } = await sendFixture(6);
      const configPath = path.join(root, 'storyline.config.json');
      const config = JSON.parse(await readFile(configPath, 'utf8')) as Record<string, unknown>;
      config.bounces = { domain: 'bounces.example.org' };
      await writeFile(configPath, JSON.stringify(config));
      const sink = await startSmtpSink();
      const env: NodeJS.ProcessEnv = { SMTP_URL: sink.url, STORYLINE_SECRET: secret };
      const dbFile = path.join(root, 'store.db');
      if (kind === 'the SQLite store') {
        env.STORYLINE_DATABASE_URL = dbFile;
        await fillStore({ engine: 'sqlite', file: dbFile }, addresses);
      }
      let store: Store | undefined;
      try {
        const first = await sendInProcess(root, env);
        expect(first.code, first.stderr).toBe(0);
        expect(sink.messages).toHaveLength(6);
        const envelopeOf = new Map<string, string>();
        for (const message of sink.messages) {
          const [rcpt] = message.rcpt;
          expect(message.from).toMatch(/^bounces\+[a-z2-7]{34}@bounces\.example\.org$/);
          expect(message.from).not.toContain(rcpt?.split('@')[0]);
          expect(decodeVerpId(message.from)).toEqual({
            tag: editionTag(firstEdition),
            hash: addressHash(rcpt ?? '', secret),
          });
          envelopeOf.set(rcpt ?? '', message.from);
        }
        // The header From stays the publication's.
        expect((await sink.messages[0]?.parsed())?.from?.text).toContain('brief@example.org');

        const [dead, complainer, soft] = addresses as [string, string, string];
        if (kind === 'the SQLite store')
          store = await openStore({ engine: 'sqlite', file: dbFile });
        const apply = applyBounceEvents({
          root,
          config: { bounces: { soft: { count: 3, of: 5 } } },
          store,
          secret,
          now,
        });
        const at = '2014-02-11T08:00:00.000Z';
        expect(
          await apply([
            {
              kind: 'hard',
              source: 'dsn',
              recipient: { verp: envelopeOf.get(dead) },
              eventId: 'r1',
              at,
              status: '5.1.1',
            },
            {
              kind: 'complaint',
              source: 'arf',
              recipient: { verp: envelopeOf.get(complainer) },
              eventId: 'r2',
              at,
            },
            {
              kind: 'soft',
              source: 'dsn',
              recipient: { verp: envelopeOf.get(soft) },
              eventId: 'r3',
              at,
              status: '4.2.2',
            },
          ]),
        ).toEqual({ applied: 3, duplicates: 0, unmatched: 0 });
        if (store) {
          expect((await findSubscriber(store, dead))?.status).toBe('bounced');
          expect((await findSubscriber(store, complainer))?.status).toBe('complained');
          expect((await findSubscriber(store, soft))?.status).toBe('active');
        }

        // The last edition: 1 hard bounce and 1 complaint in 6, past both limits.
        const status = await runCommand(runStatus, root, env);
        expect(status.code, status.stderr).toBe(0);
        const row = status.stdout.split('\n').find((line) => line.includes(firstEdition)) ?? '';
        expect(row).toMatch(/\b6\b.*1 \(16\.7%\)\s+1 \(16\.7%\)\s+1 \(16\.7%\)$/);
        expect(status.stdout).toContain(
          `Warning: ${firstEdition} has a complaint rate of 16.7%, above 0.10%`,
        );
        expect(status.stdout).toContain(
          `Warning: ${firstEdition} has a hard-bounce rate of 16.7%, above 2.0%`,
        );

        const listed = await runCommand(runBounces, root, env, ['list']);
        expect(listed.code, listed.stderr).toBe(0);
        expect(listed.stdout).toContain(addressHash(dead, secret));
        expect(listed.stdout).toMatch(/complaint\s+arf\s+2014-02-10-second-round-geneva/);
        for (const address of addresses) expect(listed.stdout).not.toContain(address);
        const shown = await runCommand(runBounces, root, env, ['list'], { 'show-addresses': true });
        if (store) {
          expect(shown.stdout).toContain(dead);
          expect(shown.stdout).toContain(complainer);
        } else {
          // Without a store nothing holds the address: hashes still.
          expect(shown.stdout).toContain(addressHash(dead, secret));
          for (const address of addresses) expect(shown.stdout).not.toContain(address);
        }
        const none = await runCommand(runBounces, root, env, ['list'], { edition: 'e-unknown' });
        expect(none.stdout).toBe('No bounces or complaints for e-unknown.\n');
        await store?.close();
        store = undefined;

        await writeFile(
          path.join(root, 'updates/2014-02-11-third-day.md'),
          updateMd('date: 2014-02-11\nheadline: Third Day in Geneva'),
        );
        sink.messages.length = 0;
        const second = await sendInProcess(root, env);
        expect(second.code, second.stderr).toBe(0);
        const mailed = sink.messages.flatMap((message) => message.rcpt).sort();
        expect(mailed).toEqual(addresses.filter((a) => a !== dead && a !== complainer).sort());
        expect(mailed).toContain(soft);
      } finally {
        await store?.close();
        await sink.close();
      }
    });
  });
}
