import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { smtpTransport } from '../../src/deliver/transports/smtpTransport.js';
import { verifyUnsubscribeToken } from '../../src/deliver/unsubscribeToken.js';
import { findSubscriber } from '../../src/store/findSubscriber.js';
import { findSuppression } from '../../src/store/findSuppression.js';
import { openStore } from '../../src/store/openStore.js';
import type { Store } from '../../src/store/Store.js';
import { subscriberEvents } from '../../src/store/subscriberEvents.js';
import { upsertSubscriber } from '../../src/store/upsertSubscriber.js';
import { findPostgresBin, usePostgresDatabases } from '../helpers/postgresCluster.js';
import { confirmTokenIn, serveFixture, serveSecret } from '../helpers/serveFixture.js';
import { startSmtpSink } from '../helpers/smtpSink.js';

const postgres = findPostgresBin();
if ('missing' in postgres) console.log(postgres.missing);

const form = { 'content-type': 'application/x-www-form-urlencoded' };

/** Sign-up, confirmation mail over loopback SMTP, confirm, one-click unsubscribe: on either engine. */
function serveSuite(openTestStore: (root: string) => Promise<Store>) {
  it('signs up, mails the confirmation over SMTP, confirms, and unsubscribes in one click', async () => {
    const sink = await startSmtpSink();
    try {
      const served = await serveFixture({
        store: openTestStore,
        transport: smtpTransport({ url: sink.url }),
        app: { suppressionsFile: false },
      });
      const { fastify } = served.app;
      const answer = await fastify.inject({
        method: 'POST',
        url: '/subscribe',
        headers: form,
        payload: 'email=ada%40example.org&name=Ada',
      });
      expect(answer.statusCode).toBe(200);
      await served.app.whenIdle();
      await sink.waitForMessages(1);
      expect(sink.messages).toHaveLength(1);
      const message = sink.messages[0];
      expect(message?.rcpt).toEqual(['ada@example.org']);
      expect(message?.from).toBe('brief@example.org');
      const parsed = await message?.parsed();
      expect(parsed?.subject).toBe('Confirm your subscription to The Syria Brief');
      expect(parsed?.text).toContain('/confirm?token=');
      expect(parsed?.html).toContain('Confirm my subscription');
      const token = confirmTokenIn(message?.raw.toString('utf8') ?? '');

      const confirmed = await fastify.inject({
        method: 'POST',
        url: '/confirm',
        headers: form,
        payload: `token=${token}`,
      });
      expect(confirmed.statusCode).toBe(200);
      const ada = await findSubscriber(served.store, 'ada@example.org');
      expect(ada?.status).toBe('active');
      expect(served.confirmed).toEqual([ada?.id]);

      const { createUnsubscribeToken } = await import('../../src/deliver/unsubscribeToken.js');
      const unsubscribeToken = createUnsubscribeToken('ada@example.org', serveSecret);
      expect(verifyUnsubscribeToken(unsubscribeToken, serveSecret)).toBe('ada@example.org');
      for (let i = 0; i < 2; i++) {
        const one = await fastify.inject({
          method: 'POST',
          url: `/unsubscribe?token=${unsubscribeToken}`,
          headers: form,
          payload: 'List-Unsubscribe=One-Click',
        });
        expect(one.statusCode).toBe(200);
      }
      expect((await findSubscriber(served.store, 'ada@example.org'))?.status).toBe('unsubscribed');
      expect(await findSuppression(served.store, 'ada@example.org', serveSecret)).toMatchObject({
        reason: 'unsubscribed',
      });
      expect((await subscriberEvents(served.store, ada?.id ?? 0)).map((e) => e.kind)).toEqual([
        'subscribed',
        'confirmed',
        'unsubscribed',
      ]);
    } finally {
      await sink.close();
    }
  });

  it('confirms each of 50 sign-ups once when two confirmations race', async () => {
    // The race, not the per-client limit, is under test here.
    const served = await serveFixture({
      store: openTestStore,
      serve: { limits: { signUpsPerMinute: 0 } },
    });
    const now = new Date('2026-01-01T00:00:00Z');
    for (let i = 0; i < 50; i++)
      await upsertSubscriber(served.store, {
        address: `racer${i}@example.org`,
        status: 'pending',
        source: 'form',
        now,
      });
    const { fastify } = served.app;
    const tokens: string[] = [];
    for (let i = 0; i < 50; i++) {
      await fastify.inject({
        method: 'POST',
        url: '/subscribe',
        headers: form,
        payload: `email=racer${i}%40example.org`,
      });
    }
    for (const mail of await served.mails()) tokens.push(confirmTokenIn(mail));
    expect(tokens).toHaveLength(50);
    const answers = await Promise.all(
      tokens.flatMap((token) =>
        [1, 2].map(() =>
          fastify.inject({
            method: 'POST',
            url: '/confirm',
            headers: form,
            payload: `token=${token}`,
          }),
        ),
      ),
    );
    expect(answers.every((answer) => answer.statusCode === 200)).toBe(true);
    expect(served.confirmed).toHaveLength(50);
    expect(new Set(served.confirmed).size).toBe(50);
  });
}

describe('storyline serve on SQLite', () => {
  serveSuite((root) =>
    openStore({ engine: 'sqlite', file: path.join(root, '.storyline', 's.db') }),
  );
});

describe.skipIf('missing' in postgres)('storyline serve on PostgreSQL', () => {
  const newDatabase = 'bin' in postgres ? usePostgresDatabases(postgres.bin, 'serve') : undefined;
  serveSuite(async () => {
    if (!newDatabase) throw new Error('no PostgreSQL');
    return openStore({ engine: 'postgres', connectionString: await newDatabase() });
  });
});
