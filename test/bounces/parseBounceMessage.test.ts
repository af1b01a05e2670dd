import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBounceMessage } from '../../src/bounces/parseBounceMessage.js';

const fixtures = path.join(import.meta.dirname, '../fixtures/bounces');
const receivedAt = new Date('2026-12-01T00:00:00Z');
const bounceDomain = 'bounces.storyline.test';
const edition = '2014-02-10-second-round-geneva';

function fixture(name: string): Buffer {
  return readFileSync(path.join(fixtures, name));
}

function parse(raw: Buffer | string, envelopeTo?: string[]) {
  return parseBounceMessage(Buffer.isBuffer(raw) ? raw : Buffer.from(raw), {
    receivedAt,
    bounceDomain,
    envelopeTo,
  });
}

describe('parseBounceMessage on the DSNs a real Postfix mailed back', () => {
  it('an unknown local user is a hard bounce, 5.1.1, with the VERP id, Message-ID and address', () => {
    const { events, ignored } = parse(fixture('postfix/unknown-user-failed.eml'));
    expect(ignored).toBeUndefined();
    expect(events).toEqual([
      {
        kind: 'hard',
        source: 'dsn',
        recipient: {
          verp: `${edition}.8f3a1c2be9d04a77`,
          messageId: `<${edition}.8f3a1c2be9d04a77@storyline.test>`,
          address: 'nosuchuser@mta.storyline.test',
        },
        eventId: expect.stringMatching(
          /^<\d+\.[0-9A-F]+@mta\.storyline\.test> nosuchuser@mta\.storyline\.test$/,
        ),
        at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/),
        status: '5.1.1',
        diagnostic: 'X-Postfix; unknown user: "nosuchuser"',
      },
    ]);
  });

  it('a full mailbox is a hard bounce, 5.2.2', () => {
    const { events } = parse(fixture('postfix/full-mailbox-failed.eml'));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      kind: 'hard',
      status: '5.2.2',
      recipient: { verp: `${edition}.2b7e151628aed2a6`, address: 'fullbox@mta.storyline.test' },
    });
  });

  it('an unreachable domain is first a soft bounce (delayed, 4.4.1), then a hard one (failed, 4.4.1)', () => {
    const delayed = parse(fixture('postfix/unreachable-delayed.eml')).events;
    const failed = parse(fixture('postfix/unreachable-failed.eml')).events;
    expect(delayed).toMatchObject([
      { kind: 'soft', status: '4.4.1', recipient: { address: 'reader@unreachable.example' } },
    ]);
    expect(failed).toMatchObject([
      { kind: 'hard', status: '4.4.1', recipient: { address: 'reader@unreachable.example' } },
    ]);
    // Two reports about the same recipient are two events.
    expect(delayed[0]?.eventId).not.toBe(failed[0]?.eventId);
  });

  it('takes the VERP id from the envelope recipient first, and none from another domain', () => {
    const raw = fixture('postfix/unknown-user-failed.eml');
    const fromEnvelope = parseBounceMessage(raw, {
      receivedAt,
      bounceDomain,
      envelopeTo: [`bounces+from-the-envelope@${bounceDomain}`],
    });
    expect(fromEnvelope.events[0]?.recipient.verp).toBe('from-the-envelope');
    const otherDomain = parseBounceMessage(raw, { receivedAt, bounceDomain: 'elsewhere.example' });
    expect(otherDomain.events[0]?.recipient.verp).toBeUndefined();
    expect(otherDomain.events[0]?.recipient.messageId).toBe(
      `<${edition}.8f3a1c2be9d04a77@storyline.test>`,
    );
  });
});

describe('parseBounceMessage on hand-written reports', () => {
  it('an Exchange-style DSN (base64 delivery-status, text/rfc822-headers) is a hard bounce, 5.1.10', () => {
    const { events } = parse(fixture('handwritten/exchange-dsn.eml'));
    expect(events).toEqual([
      {
        kind: 'hard',
        source: 'dsn',
        recipient: {
          verp: `${edition}.5a5a5a5a5a5a5a5a`,
          messageId: `<${edition}.5a5a5a5a5a5a5a5a@storyline.test>`,
          address: 'j.doe@corp.example.com',
        },
        eventId:
          '<f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b@EX01.corp.example.com> j.doe@corp.example.com',
        at: '2014-02-11T08:12:44.000Z',
        status: '5.1.10',
        diagnostic:
          'smtp;550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup',
      },
    ]);
  });

  it('a DSN without VERP falls back to the original Message-ID in text/rfc822-headers', () => {
    const { events } = parse(fixture('handwritten/dsn-without-verp.eml'));
    expect(events).toEqual([
      {
        kind: 'hard',
        source: 'dsn',
        recipient: {
          messageId: `<${edition}.77aa77aa77aa77aa@storyline.test>`,
          address: 'alias-owner@gone.example',
        },
        eventId: '<dsn.7731@relay.forwarder.example> alias-owner@gone.example',
        at: '2014-02-12T14:03:10.000Z',
        status: '5.1.2',
        diagnostic: 'smtp; 550 5.1.2 Host unknown (Name server: gone.example: host not found)',
      },
    ]);
  });

  it('an ARF abuse report is a complaint about Original-Rcpt-To, with the enclosed Message-ID', () => {
    const { events } = parse(fixture('handwritten/arf-complaint.eml'));
    expect(events).toEqual([
      {
        kind: 'complaint',
        source: 'arf',
        recipient: {
          verp: `${edition}.3c3c3c3c3c3c3c3c`,
          messageId: `<${edition}.3c3c3c3c3c3c3c3c@storyline.test>`,
          address: 'complainer@mailbox-provider.example',
        },
        eventId: '<arf.20140213.4411@mailbox-provider.example> complainer@mailbox-provider.example',
        at: '2014-02-13T10:20:30.000Z',
        diagnostic: 'Feedback-Type: abuse',
      },
    ]);
  });

  it('an ARF report without Original-Rcpt-To takes the enclosed message’s To and the VERP from Original-Mail-From', () => {
    const text = fixture('handwritten/arf-complaint.eml')
      .toString('latin1')
      .replace(/^Original-Rcpt-To:.*\n/m, '')
      .replace(/^To: <bounces\+.*\n/m, 'To: <abuse-reports@storyline.test>\n')
      .replace(/^Return-Path:.*\n/m, '');
    const { events } = parse(text);
    expect(events[0]?.recipient).toEqual({
      verp: `${edition}.3c3c3c3c3c3c3c3c`,
      messageId: `<${edition}.3c3c3c3c3c3c3c3c@storyline.test>`,
      address: 'complainer@mailbox-provider.example',
    });
  });

  it('ARF feedback types other than abuse and fraud are no complaint', () => {
    const arf = fixture('handwritten/arf-complaint.eml').toString('latin1');
    expect(parse(arf.replace('Feedback-Type: abuse', 'Feedback-Type: fraud')).events[0]?.kind).toBe(
      'complaint',
    );
    for (const type of ['not-spam', 'virus', 'auth-failure', 'other'])
      expect(parse(arf.replace('Feedback-Type: abuse', `Feedback-Type: ${type}`))).toEqual({
        events: [],
        ignored: 'not-a-complaint',
      });
  });

  it('an auto-reply is ignored, though it was mailed to the VERP address', () => {
    expect(parse(fixture('handwritten/auto-reply.eml'))).toEqual({
      events: [],
      ignored: 'auto-reply',
    });
    const plain = 'From: a@example.net\nSubject: hi\n\nhello\n';
    expect(parse(`X-Autoreply: yes\n${plain}`).ignored).toBe('auto-reply');
    expect(parse(`Precedence: auto_reply\n${plain}`).ignored).toBe('auto-reply');
    expect(parse(`Auto-Submitted: no\n${plain}`).ignored).toBe('not-a-report');
  });
});

describe('parseBounceMessage on everything else', () => {
  it('the same report gives the same event ids every time, with or without a Message-ID', () => {
    for (const name of ['postfix/unknown-user-failed.eml', 'handwritten/arf-complaint.eml']) {
      const raw = fixture(name);
      expect(parse(raw).events.map((e) => e.eventId)).toEqual(
        parse(raw).events.map((e) => e.eventId),
      );
    }
    const withoutId = fixture('handwritten/dsn-without-verp.eml')
      .toString('latin1')
      .replace(/^Message-ID:.*\n/m, '');
    const ids = parse(withoutId).events.map((e) => e.eventId);
    expect(ids).toEqual([expect.stringMatching(/^sha256:[0-9a-f]{64} alias-owner@gone\.example$/)]);
    expect(parse(withoutId).events.map((e) => e.eventId)).toEqual(ids);
  });

  it('a DSN reporting only delivered or relayed recipients gives nothing', () => {
    const dsn = fixture('handwritten/dsn-without-verp.eml').toString('latin1');
    expect(
      parse(
        dsn
          .replace('Action: failed', 'Action: delivered')
          .replace('Status: 5.1.2', 'Status: 2.0.0'),
      ),
    ).toEqual({
      events: [],
      ignored: 'nothing-failed',
    });
    expect(parse(dsn.replace('Action: failed', 'Action: relayed')).ignored).toBe('nothing-failed');
  });

  it('a DSN with several recipients gives one event each, keyed by recipient', () => {
    const dsn = fixture('handwritten/dsn-without-verp.eml')
      .toString('latin1')
      .replace(
        'Last-Attempt-Date: Wed, 12 Feb 2014 14:03:10 +0000\n',
        'Last-Attempt-Date: Wed, 12 Feb 2014 14:03:10 +0000\n\nFinal-Recipient: rfc822; second@slow.example\nAction: delayed\nStatus: 4.2.2\n',
      );
    const { events } = parse(dsn);
    expect(events.map((e) => [e.kind, e.status, e.recipient.address])).toEqual([
      ['hard', '5.1.2', 'alias-owner@gone.example'],
      ['soft', '4.2.2', 'second@slow.example'],
    ]);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(2);
  });

  it('ordinary mail and other reports are not reports; broken reports are malformed; nothing throws', () => {
    expect(parse('From: a@example.net\nSubject: hello\n\nJust writing.\n')).toEqual({
      events: [],
      ignored: 'not-a-report',
    });
    expect(
      parse(
        'Content-Type: multipart/report; report-type=disposition-notification; boundary=x\n\n--x\n\n--x--\n',
      ).ignored,
    ).toBe('not-a-report');
    expect(
      parse('Content-Type: multipart/report; report-type=delivery-status\n\nno boundary\n').ignored,
    ).toBe('malformed');
    expect(
      parse(
        'Content-Type: multipart/report; report-type=delivery-status; boundary=b\n\n--b\nContent-Type: text/plain\n\nhi\n--b--\n',
      ).ignored,
    ).toBe('malformed');
    // A delivery-status part that names no recipient.
    expect(
      parse(
        'Content-Type: multipart/report; report-type=delivery-status; boundary=b\n\n--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; x\n\nAction: failed\nStatus: 5.0.0\n--b--\n',
      ).ignored,
    ).toBe('malformed');
    for (const raw of [
      Buffer.alloc(0),
      Buffer.from([0xff, 0xfe, 0, 1, 2]),
      Buffer.from('\n\n\n'),
      Buffer.from('Content-Type: multipart/report; boundary="'),
    ])
      expect(() => parse(raw)).not.toThrow();
  });

  it('finds a report a forwarder wrapped in multipart/mixed', () => {
    const inner = fixture('handwritten/dsn-without-verp.eml').toString('latin1');
    const wrapped = `From: forwarder@example.org\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=outer\n\n--outer\nContent-Type: text/plain\n\nFYI\n--outer\n${inner}\n--outer--\n`;
    expect(parse(wrapped).events).toMatchObject([
      { kind: 'hard', recipient: { address: 'alias-owner@gone.example' } },
    ]);
  });
});
