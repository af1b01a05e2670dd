import { describe, expect, it } from 'vitest';
import {
  maxConsecutiveRefusals,
  maxConsecutiveUnreachable,
  OutcomePolicy,
  runsBeforeGivingUp,
} from '../../src/deliver/outcomePolicy.js';

/** Errors shaped as nodemailer's SMTPConnection raises them. */
const refused = (reply = '550 5.1.1 No such user') =>
  Object.assign(new Error(reply), {
    responseCode: Number(reply.slice(0, 3)),
    response: reply,
    command: 'RCPT TO',
  });
const greylisted = () =>
  Object.assign(new Error('451 4.7.1 Try again later'), {
    responseCode: 451,
    response: '451 4.7.1 Try again later',
    command: 'RCPT TO',
  });
const unreachable = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:2525'), { code: 'ECONNECTION' });
const badLogin = () =>
  Object.assign(new Error('Invalid login'), {
    code: 'EAUTH',
    responseCode: 535,
    response: '535 Invalid username or password',
  });

const policy = (retries = 3) =>
  new OutcomePolicy({ retries, retryBaseMs: 1000, relay: 'smtp://relay:587', random: () => 0.5 });

describe('the outcome policy', () => {
  it('journals an accepted message as sent with the reply code, when the reply has one', () => {
    expect(policy().sent('250 2.0.0 OK queued')).toEqual({ status: 'sent', code: 250 });
    expect(policy().sent('written to outbox/x.eml')).toEqual({ status: 'sent' });
  });

  it('records a refused address as failed, suppressed when it does not exist, never retried', () => {
    const p = policy();
    expect(p.failed(refused(), { attempt: 1, tries: 1 }, false)).toEqual({
      status: 'failed',
      code: 550,
      done: true,
      suppress: true,
    });
    const policyRefusal = p.failed(refused('554 5.7.1 Rejected'), { attempt: 1, tries: 1 }, false);
    expect(policyRefusal).toMatchObject({ status: 'deferred', done: false, suppress: false });
    expect(policyRefusal.stop).toMatch(/refuses this sender or message/);
  });

  it('retries a temporary failure with exponential backoff until the run has used its tries, then defers', () => {
    const p = policy(2);
    const first = p.failed(greylisted(), { attempt: 1, tries: 1 }, false);
    const second = p.failed(greylisted(), { attempt: 2, tries: 2 }, false);
    const last = p.failed(greylisted(), { attempt: 3, tries: 3 }, false);
    expect(first).toMatchObject({ status: 'retrying', code: 451, done: false, retryInMs: 1000 });
    expect(second).toMatchObject({ status: 'retrying', retryInMs: 2000 });
    expect(last).toMatchObject({ status: 'deferred', code: 451, done: true });
    expect(last.temporaryReason).toBe('451 4.7.1 Try again later');
    expect(last.stop).toBeUndefined();
  });

  it('defers instead of retrying when the run is being stopped', () => {
    expect(policy().failed(greylisted(), { attempt: 1, tries: 1 }, true)).toMatchObject({
      status: 'deferred',
      done: true,
    });
  });

  it(`gives up after ${runsBeforeGivingUp} runs' worth of tries, recording the recipient as failed`, () => {
    const p = policy(3);
    const cap = 4 * runsBeforeGivingUp;
    expect(p.failed(greylisted(), { attempt: cap - 1, tries: 1 }, false).status).toBe('retrying');
    expect(p.failed(greylisted(), { attempt: cap, tries: 1 }, false)).toMatchObject({
      status: 'failed',
      gaveUp: true,
      done: true,
      suppress: false,
    });
  });

  it(`stops the run after ${maxConsecutiveRefusals} refusals in a row, and not when a success breaks the row`, () => {
    const p = policy();
    const at = { attempt: 1, tries: 1 };
    for (let i = 1; i < maxConsecutiveRefusals; i++) {
      expect(p.failed(refused(), at, false).stop).toBeUndefined();
    }
    p.sent('250 OK');
    for (let i = 1; i < maxConsecutiveRefusals; i++) {
      expect(p.failed(refused(), at, false).stop).toBeUndefined();
    }
    const tripped = p.failed(refused(), at, false);
    expect(tripped).toMatchObject({ status: 'failed', done: true });
    expect(tripped.stop).toMatch(/^10 recipients in a row were refused \(last: 550 5\.1\.1/);
  });

  it(`stops the run after ${maxConsecutiveUnreachable} messages in a row cannot reach the relay`, () => {
    const p = policy();
    const at = { attempt: 1, tries: 1 };
    for (let i = 1; i < maxConsecutiveUnreachable; i++) {
      expect(p.failed(unreachable(), at, false).stop).toBeUndefined();
    }
    // A reply, even a temporary refusal, shows the relay is there.
    p.failed(greylisted(), at, false);
    for (let i = 1; i < maxConsecutiveUnreachable; i++) {
      expect(p.failed(unreachable(), at, false).stop).toBeUndefined();
    }
    const tripped = p.failed(unreachable(), at, false);
    expect(tripped).toMatchObject({ status: 'retrying' });
    expect(tripped.stop).toMatch(/^20 messages in a row could not reach smtp:\/\/relay:587: /);
  });

  it('stops the run at once when the relay refuses the login, with nobody recorded as failed', () => {
    const outcome = policy().failed(badLogin(), { attempt: 1, tries: 1 }, false);
    expect(outcome).toMatchObject({ status: 'deferred', code: 535, done: false, suppress: false });
    expect(outcome.stop).toMatch(/the SMTP login failed/);
  });
});
