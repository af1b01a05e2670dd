import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { decodeVerpId, editionTag } from '../../src/bounces/verpId.js';
import { catchUpEditionId } from '../../src/edition/planCatchUp.js';
import { addressHash } from '../../src/ledger/addressHash.js';
import { findSubscriber } from '../../src/store/findSubscriber.js';
import { openStore } from '../../src/store/openStore.js';
import { applyBounceEvents } from '../../src/usecases/applyBounceEvents.js';
import { deliverCatchUps } from '../../src/usecases/deliverCatchUps.js';
import {
  catchUpConfig,
  catchUpNow,
  catchUpStory,
  confirmSubscriber,
  editionStarts,
} from '../helpers/catchUpFixture.js';
import { startSmtpSink } from '../helpers/smtpSink.js';

const secret = 'catch-up-bounce-secret-0123456789';

describe('bounces of the catch-up email', () => {
  it('sends it with a VERP envelope sender, and a bounce naming only its Message-ID finds the reader', async () => {
    const root = await catchUpStory({
      'storyline.config.json': JSON.stringify({
        ...catchUpConfig,
        bounces: { domain: 'bounces.example.org' },
      }),
    });
    const store = await openStore({ engine: 'sqlite', file: path.join(root, 'store.db') });
    onTestFinished(() => store.close());
    const sink = await startSmtpSink();
    onTestFinished(() => sink.close());
    await confirmSubscriber(store, 'ada@example.org', new Date(editionStarts.third.getTime() + 1));
    const result = await deliverCatchUps({
      store,
      root,
      secret,
      now: () => catchUpNow,
      env: { SMTP_URL: sink.url },
    });
    expect(result).toMatchObject({ status: 'finished', counts: { sent: 1 } });
    const [message] = sink.messages;
    expect(message?.from).toMatch(/^bounces\+[a-z2-7]{34}@bounces\.example\.org$/);
    expect(decodeVerpId(message?.from ?? '')).toEqual({
      tag: editionTag(catchUpEditionId),
      hash: addressHash('ada@example.org', secret),
    });

    // Forwarded, its VERP address lost: the original Message-ID is all it names.
    const messageId = (await message?.parsed())?.messageId ?? '';
    expect(messageId).toMatch(/^<catch-up\./);
    const apply = applyBounceEvents({
      root,
      config: { bounces: { soft: { count: 3, of: 5 } } },
      store,
      secret,
      now: () => catchUpNow,
    });
    expect(
      await apply([
        {
          kind: 'hard',
          source: 'dsn',
          recipient: { messageId },
          eventId: 'forwarded-1',
          at: catchUpNow.toISOString(),
          status: '5.1.1',
        },
      ]),
    ).toEqual({ applied: 1, duplicates: 0, unmatched: 0 });
    expect((await findSubscriber(store, 'ada@example.org'))?.status).toBe('bounced');
    const [row] = await store.db.selectFrom('bounce_events').selectAll().execute();
    expect(row).toMatchObject({ edition: catchUpEditionId, kind: 'hard' });
  });
});
