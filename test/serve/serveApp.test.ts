import { createHmac } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createLegacyUnsubscribeToken,
  createUnsubscribeToken,
} from '../../src/deliver/unsubscribeToken.js';
import { hashConfirmationToken } from '../../src/serve/confirmationToken.js';
import { addSuppression } from '../../src/store/addSuppression.js';
import { countByStatus } from '../../src/store/countByStatus.js';
import { findSubscriber } from '../../src/store/findSubscriber.js';
import { findSuppression } from '../../src/store/findSuppression.js';
import { setStatus } from '../../src/store/setStatus.js';
import { subscriberEvents } from '../../src/store/subscriberEvents.js';
import { upsertSubscriber } from '../../src/store/upsertSubscriber.js';
import {
  confirmTokenIn,
  publicUrl,
  type ServeFixture,
  serveFixture,
  serveSecret,
  siteUrl,
} from '../helpers/serveFixture.js';

const form = 'application/x-www-form-urlencoded';

function subscribe(
  served: ServeFixture,
  fields: Record<string, string>,
  extra: { remoteAddress?: string; headers?: Record<string, string> } = {},
) {
  return served.app.fastify.inject({
    method: 'POST',
    url: '/subscribe',
    headers: { 'content-type': form, ...extra.headers },
    payload: new URLSearchParams(fields).toString(),
    ...(extra.remoteAddress ? { remoteAddress: extra.remoteAddress } : {}),
  });
}

function post(
  served: ServeFixture,
  url: string,
  payload = '',
  headers: Record<string, string> = {},
) {
  return served.app.fastify.inject({
    method: 'POST',
    url,
    headers: { 'content-type': form, ...headers },
    payload,
  });
}

describe('storyline serve: sign-up and double opt-in', () => {
  it('makes a pending subscriber with proof of consent, mails one link, and confirms only on POST', async () => {
    const served = await serveFixture();
    const answer = await subscribe(served, {
      email: 'Ada@Example.org',
      name: 'Ada',
      page: `${siteUrl}2014-02-10-second-round/`,
    });
    expect(answer.statusCode).toBe(200);
    expect(answer.body).toContain('Check your inbox');
    const pending = await findSubscriber(served.store, 'ada@example.org');
    expect(pending).toMatchObject({ status: 'pending', source: 'form', name: 'Ada' });
    const events = await subscriberEvents(served.store, pending?.id ?? 0);
    expect(events).toMatchObject([{ kind: 'subscribed', source: 'form' }]);
    expect(events[0]?.consent).toContain(served.config.serve.consent);
    expect(events[0]?.consent).toContain(`${siteUrl}2014-02-10-second-round/`);

    const mails = await served.mails();
    expect(mails).toHaveLength(1);
    const mail = mails[0] ?? '';
    expect(mail).toMatch(/^From: The Syria Brief <brief@example\.org>/m);
    expect(mail).toMatch(/^To: ada@example\.org/m);
    expect(mail).toContain('Content-Type: text/plain');
    expect(mail).toContain('Content-Type: text/html');
    const token = confirmTokenIn(mail);
    // Recorded as sent once the transport took it, so no sweep mails the reader again.
    expect(
      await served.store.db.selectFrom('confirmations').select(['token_hash', 'sent_at']).execute(),
    ).toEqual([
      { token_hash: hashConfirmationToken(token), sent_at: served.clock.now.toISOString() },
    ]);
    expect(mail.replace(/=\r?\n/g, '').replace(/=3D/g, '=')).toContain(
      `${publicUrl}confirm?token=${token}`,
    );

    // A mail scanner following the link changes nothing.
    const page = await served.app.fastify.inject(`/confirm?token=${token}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<button type="submit">Confirm</button>');
    expect((await findSubscriber(served.store, 'ada@example.org'))?.status).toBe('pending');
    expect(served.confirmed).toEqual([]);

    const confirmed = await post(served, '/confirm', `token=${token}`);
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.body).toContain('You are subscribed');
    const active = await findSubscriber(served.store, 'ada@example.org');
    expect(active).toMatchObject({ status: 'active', confirmedAt: served.clock.now.toISOString() });
    expect((await subscriberEvents(served.store, active?.id ?? 0)).map((e) => e.kind)).toEqual([
      'subscribed',
      'confirmed',
    ]);
    expect(served.confirmed).toEqual([active?.id]);

    // Pressing again: the same page, nothing new.
    expect((await post(served, '/confirm', `token=${token}`)).statusCode).toBe(200);
    expect(served.confirmed).toHaveLength(1);
    expect(await subscriberEvents(served.store, active?.id ?? 0)).toHaveLength(2);
  });

  it('answers JSON, with CORS for the archive’s origin, and refuses posts from other sites', async () => {
    const served = await serveFixture();
    const preflight = await served.app.fastify.inject({
      method: 'OPTIONS',
      url: '/subscribe',
      headers: { origin: 'https://example.org', 'access-control-request-method': 'POST' },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://example.org');
    const json = await served.app.fastify.inject({
      method: 'POST',
      url: '/subscribe',
      headers: { origin: 'https://example.org', 'content-type': 'application/json' },
      payload: JSON.stringify({ email: 'grace@example.org' }),
    });
    expect(json.statusCode).toBe(200);
    expect(json.json()).toMatchObject({ ok: true });
    expect(json.headers['access-control-allow-origin']).toBe('https://example.org');

    const elsewhere = await subscribe(
      served,
      { email: 'victim@example.org' },
      { headers: { origin: 'https://evil.example' } },
    );
    expect(elsewhere.statusCode).toBe(403);
    const crossSite = await subscribe(
      served,
      { email: 'victim@example.org' },
      { headers: { 'sec-fetch-site': 'cross-site' } },
    );
    expect(crossSite.statusCode).toBe(403);
    expect(await findSubscriber(served.store, 'victim@example.org')).toBeUndefined();
  });

  it('validates the address like the CSV path, with the domain in punycode', async () => {
    const served = await serveFixture();
    for (const bad of [
      '',
      'no-at-sign',
      'Ada <ada@example.org>',
      'a@b@example.org',
      'josé@example.org',
    ]) {
      const answer = await subscribe(served, { email: bad });
      expect(answer.statusCode, bad).toBe(400);
      expect(answer.body).toContain('Unexpected ');
    }
    expect((await subscribe(served, { email: 'leser@bücher.example' })).statusCode).toBe(200);
    expect(await findSubscriber(served.store, 'leser@xn--bcher-kva.example')).toMatchObject({
      status: 'pending',
    });
    expect(await countByStatus(served.store)).toMatchObject({ pending: 1 });
  });
});

describe('storyline serve: abuse', () => {
  it('mails one confirmation for 1,000 sign-ups of one address from 1,000 addresses', async () => {
    const served = await serveFixture();
    const answers = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const answer = await subscribe(
        served,
        { email: 'stranger@example.org' },
        { remoteAddress: `10.0.${Math.floor(i / 250)}.${i % 250}` },
      );
      answers.add(`${answer.statusCode} ${answer.body}`);
    }
    expect(answers.size).toBe(1);
    expect(await served.mails()).toHaveLength(1);
    // An hour later (and not before) the same address may be mailed once more.
    served.clock.now = new Date(served.clock.now.getTime() + 59 * 60_000);
    await subscribe(served, { email: 'stranger@example.org' }, { remoteAddress: '10.9.0.1' });
    expect(await served.mails()).toHaveLength(1);
    served.clock.now = new Date(served.clock.now.getTime() + 2 * 60_000);
    await subscribe(served, { email: 'stranger@example.org' }, { remoteAddress: '10.9.0.2' });
    expect(await served.mails()).toHaveLength(2);
  });

  it('limits sign-ups per client address', async () => {
    const served = await serveFixture();
    const codes: number[] = [];
    for (let i = 0; i < 12; i++)
      codes.push((await subscribe(served, { email: `reader${i}@example.org` })).statusCode);
    expect(codes.slice(0, 10)).toEqual(Array(10).fill(200));
    expect(codes.slice(10)).toEqual([429, 429]);
    expect(await served.mails()).toHaveLength(10);
  });

  it('drops honeypot posts with the same answer as a real sign-up', async () => {
    const served = await serveFixture();
    const real = await subscribe(served, { email: 'person@example.org' });
    const bot = await subscribe(served, {
      email: 'bot-target@example.org',
      website: 'http://spam',
    });
    expect(bot.statusCode).toBe(real.statusCode);
    expect(bot.body).toBe(real.body);
    expect(await findSubscriber(served.store, 'bot-target@example.org')).toBeUndefined();
    const mails = await served.mails();
    expect(mails).toHaveLength(1);
    expect(mails.join('')).not.toContain('bot-target');
  });

  it('answers alike for new, pending, active, unsubscribed, bounced and suppressed addresses', async () => {
    const served = await serveFixture();
    const now = new Date('2026-01-01T00:00:00Z');
    await upsertSubscriber(served.store, {
      address: 'pending@example.org',
      status: 'pending',
      source: 'form',
      now,
    });
    await upsertSubscriber(served.store, {
      address: 'active@example.org',
      status: 'active',
      source: 'import',
      now,
    });
    await upsertSubscriber(served.store, {
      address: 'bounced@example.org',
      status: 'active',
      source: 'import',
      now,
    });
    await setStatus(served.store, 'bounced@example.org', 'bounced', { source: 'send', now });
    await addSuppression(served.store, {
      address: 'erased@example.org',
      reason: 'erased',
      secret: serveSecret,
      now,
    });
    const answers = new Set<string>();
    for (const email of [
      'new@example.org',
      'pending@example.org',
      'active@example.org',
      'bounced@example.org',
      'erased@example.org',
    ]) {
      const answer = await subscribe(served, { email });
      // The date, and the client's own request count, differ from one request to the next whatever the address.
      const { date: _date, 'x-ratelimit-remaining': _remaining, ...headers } = answer.headers;
      answers.add(JSON.stringify([answer.statusCode, headers, answer.body]));
    }
    expect(answers.size).toBe(1);
    const mails = await served.mails();
    // Only those who may still confirm: the new and the pending address.
    expect(mails.map((mail) => /^To: (\S+)/m.exec(mail)?.[1]).sort()).toEqual([
      'new@example.org',
      'pending@example.org',
    ]);
    expect(await findSubscriber(served.store, 'erased@example.org')).toBeUndefined();
  });

  it('refuses forged, truncated and expired confirmation links with a 400 page', async () => {
    const served = await serveFixture();
    await subscribe(served, { email: 'ada@example.org' });
    const token = confirmTokenIn((await served.mails())[0] ?? '');
    const forged = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    for (const bad of [forged, token.slice(0, 20), '', 'x'.repeat(5000)]) {
      const get = await served.app.fastify.inject(`/confirm?token=${bad}`);
      expect(get.statusCode, bad).toBe(400);
      expect(get.body).toContain('This confirmation link does not work');
      expect((await post(served, '/confirm', `token=${bad}`)).statusCode).toBe(400);
    }
    served.clock.now = new Date(served.clock.now.getTime() + 7 * 24 * 3600_000 + 1000);
    expect((await served.app.fastify.inject(`/confirm?token=${token}`)).statusCode).toBe(400);
    expect((await post(served, '/confirm', `token=${token}`)).statusCode).toBe(400);
    expect((await findSubscriber(served.store, 'ada@example.org'))?.status).toBe('pending');
    expect(served.confirmed).toEqual([]);
  });

  it('limits the body, and sends CSP, frame-ancestors, nosniff and no referrer to other sites', async () => {
    const served = await serveFixture();
    const big = await subscribe(served, { email: 'a@example.org', name: 'x'.repeat(20_000) });
    expect(big.statusCode).toBe(413);
    expect(await findSubscriber(served.store, 'a@example.org')).toBeUndefined();
    const page = await served.app.fastify.inject('/subscribe');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.headers['content-security-policy']).toContain("script-src 'none'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['referrer-policy']).toBe('same-origin');
    expect(page.headers['x-frame-options']).toBe('DENY');
  });

  it('logs one JSON line per request with no address in it', async () => {
    const served = await serveFixture();
    await subscribe(served, { email: 'Private.Person@Example.org', name: 'Private Person' });
    const token = confirmTokenIn((await served.mails())[0] ?? '');
    await post(served, '/confirm', `token=${token}`);
    const unsubscribeToken = createLegacyUnsubscribeToken(
      'private.person@example.org',
      serveSecret,
    );
    await post(served, `/unsubscribe?token=${unsubscribeToken}`, 'List-Unsubscribe=One-Click');
    await served.app.fastify.inject({
      method: 'POST',
      url: '/subscribe',
      headers: { 'content-type': 'application/json' },
      payload: '{"email": "private.person@example.org", broken',
    });
    const requests = served.logs.filter((line) => 'route' in line);
    expect(requests.map((line) => `${line.method} ${line.route} ${line.status}`)).toEqual([
      'POST /subscribe 200',
      'POST /confirm 200',
      'POST /unsubscribe 200',
      'POST /subscribe 400',
    ]);
    for (const line of requests) expect(line.ms).toEqual(expect.any(Number));
    const text = JSON.stringify(served.logs).toLowerCase();
    expect(text).not.toContain('private');
    expect(text).not.toContain(
      Buffer.from('private.person').toString('base64url').slice(0, 10).toLowerCase(),
    );
    expect(text).not.toContain(token.toLowerCase());
    expect(text).not.toContain('127.0.0.1');
  });
});

describe('storyline serve: unsubscribe (RFC 8058)', () => {
  async function withActive(address = 'ada@example.org') {
    const served = await serveFixture();
    await upsertSubscriber(served.store, {
      address,
      status: 'active',
      source: 'import',
      now: new Date('2026-01-01T00:00:00Z'),
    });
    return served;
  }

  it('unsubscribes on a one-click POST with no cookies, 200 and no redirect; a GET changes nothing; again changes nothing', async () => {
    const served = await withActive();
    const token = createUnsubscribeToken('ada@example.org', serveSecret);
    const get = await served.app.fastify.inject(`/unsubscribe?token=${token}`);
    expect(get.statusCode).toBe(200);
    expect(get.body).toContain('>Unsubscribe</button>');
    expect((await findSubscriber(served.store, 'ada@example.org'))?.status).toBe('active');
    expect(await findSuppression(served.store, 'ada@example.org', serveSecret)).toBeUndefined();

    const oneClick = await post(
      served,
      `/unsubscribe?token=${token}`,
      'List-Unsubscribe=One-Click',
    );
    expect(oneClick.statusCode).toBe(200);
    expect(oneClick.headers.location).toBeUndefined();
    expect(oneClick.headers['set-cookie']).toBeUndefined();
    expect(oneClick.body).toContain('>Resubscribe</button>');
    const after = await findSubscriber(served.store, 'ada@example.org');
    expect(after?.status).toBe('unsubscribed');
    expect(await findSuppression(served.store, 'ada@example.org', serveSecret)).toMatchObject({
      reason: 'unsubscribed',
    });
    // multipart/form-data is RFC 8058's other encoding.
    const again = await served.app.fastify.inject({
      method: 'POST',
      url: `/unsubscribe?token=${token}`,
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
      payload:
        '--x\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--x--\r\n',
    });
    expect(again.statusCode).toBe(200);
    expect((await subscriberEvents(served.store, after?.id ?? 0)).map((e) => e.kind)).toEqual([
      'subscribed',
      'unsubscribed',
    ]);
    // The store is the record here (no STORYLINE_DATABASE_URL: the archive's file too).
    expect(
      await readFile(path.join(served.root, 'archive', 'suppressions.jsonl'), 'utf8'),
    ).toContain('"reason":"unsubscribed"');
  });

  it('resubscribes from the page afterwards, lifting the suppression', async () => {
    const served = await serveFixture({ app: { suppressionsFile: false } });
    await upsertSubscriber(served.store, {
      address: 'ada@example.org',
      status: 'active',
      source: 'import',
      now: new Date('2026-01-01T00:00:00Z'),
    });
    const token = createUnsubscribeToken('ada@example.org', serveSecret);
    await post(served, `/unsubscribe?token=${token}`, 'List-Unsubscribe=One-Click');
    const back = await post(served, '/resubscribe', `token=${token}`);
    expect(back.statusCode).toBe(200);
    expect(back.body).toContain('You are subscribed again');
    const subscriber = await findSubscriber(served.store, 'ada@example.org');
    expect(subscriber?.status).toBe('active');
    expect(await findSuppression(served.store, 'ada@example.org', serveSecret)).toBeUndefined();
    expect(served.confirmed).toEqual([subscriber?.id]);
  });

  it('takes tokens already mailed (the legacy format)', async () => {
    const served = await withActive();
    const legacy = createLegacyUnsubscribeToken('ada@example.org', serveSecret);
    expect(
      (await post(served, `/unsubscribe?token=${legacy}`, 'List-Unsubscribe=One-Click')).statusCode,
    ).toBe(200);
    expect((await findSubscriber(served.store, 'ada@example.org'))?.status).toBe('unsubscribed');
  });

  it('refuses forged, truncated and other-secret tokens with a 400 page', async () => {
    const served = await withActive();
    const token = createUnsubscribeToken('ada@example.org', serveSecret);
    const legacy = createLegacyUnsubscribeToken('ada@example.org', serveSecret);
    const forgedLegacy = `${Buffer.from('grace@example.org').toString('base64url')}.${legacy.split('.')[1]}`;
    const macOnly = createHmac('sha256', 'x').digest('base64url');
    for (const bad of [
      `${token.slice(0, 10)}${token[10] === 'A' ? 'B' : 'A'}${token.slice(11)}`,
      token.slice(0, -3),
      legacy.slice(0, -1),
      forgedLegacy,
      createUnsubscribeToken('ada@example.org', 'another-secret-0123456789'),
      macOnly,
      '',
    ]) {
      const get = await served.app.fastify.inject(`/unsubscribe?token=${encodeURIComponent(bad)}`);
      expect(get.statusCode, bad).toBe(400);
      expect(get.body).toContain('This unsubscribe link does not work');
      const one = await post(
        served,
        `/unsubscribe?token=${encodeURIComponent(bad)}`,
        'List-Unsubscribe=One-Click',
      );
      expect(one.statusCode, bad).toBe(400);
    }
    expect((await findSubscriber(served.store, 'ada@example.org'))?.status).toBe('active');
  });
});

describe('storyline serve: the site', () => {
  it('serves archive/ but not the ledger’s files, and answers /healthz', async () => {
    const served = await serveFixture();
    await mkdir(path.join(served.root, 'archive', 'edition-1'), { recursive: true });
    await writeFile(
      path.join(served.root, 'archive', 'index.html'),
      '<!doctype html><p>The story</p>',
    );
    await writeFile(path.join(served.root, 'archive', 'suppressions.jsonl'), '{"hash":"x"}\n');
    await writeFile(path.join(served.root, 'archive', 'edition-1', 'deliveries.jsonl'), '{}\n');
    // The static plugin is registered only when archive/ exists when the service starts.
    const again = await serveFixture();
    await mkdir(path.join(again.root, 'archive'), { recursive: true });
    const fresh = await serveFixture({ app: { root: served.root } });
    expect((await fresh.app.fastify.inject('/')).body).toContain('The story');
    expect((await fresh.app.fastify.inject('/suppressions.jsonl')).statusCode).toBe(404);
    expect((await fresh.app.fastify.inject('/edition-1/deliveries.jsonl')).statusCode).toBe(404);
    const health = await fresh.app.fastify.inject('/healthz');
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ ok: true });
  });
});
