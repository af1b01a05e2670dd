import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { createUnsubscribeToken } from '../../src/deliver/unsubscribeToken.js';
import { runCli } from '../helpers/runCli.js';
import { secret, sendFixture, sendInProcess } from '../helpers/sendFixture.js';

const env = { STORYLINE_SECRET: secret };

describe('storyline unsubscribe', () => {
  it('takes the token from a link, records only a hash, and the next send skips that address', async () => {
    const { root, addresses } = await sendFixture(4);
    const [leaving = '', staying = ''] = addresses;
    const token = createUnsubscribeToken(leaving, secret);

    const result = await runCli(['unsubscribe', token], { cwd: root, env });
    expect(result).toEqual({
      code: 0,
      stdout:
        'Unsubscribed: no later edition will be mailed to that address (archive/suppressions.jsonl holds its hash)\n',
      stderr: '',
    });
    const list = await readFile(path.join(root, 'archive/suppressions.jsonl'), 'utf8');
    expect(list.trim().split('\n')).toHaveLength(1);
    expect(list.toLowerCase()).not.toContain(leaving.toLowerCase());
    expect(JSON.parse(list)).toMatchObject({ reason: 'unsubscribed' });

    // The same address again, by address this time (any case): nothing changes.
    const again = await runCli(['unsubscribe', '--address', leaving.toUpperCase()], {
      cwd: root,
      env,
    });
    expect(again.stdout).toBe('Already unsubscribed: nothing changed\n');
    expect(await readFile(path.join(root, 'archive/suppressions.jsonl'), 'utf8')).toBe(list);

    const sent = await sendInProcess(root, { ...process.env, ...env });
    expect(sent.code).toBe(0);
    const outbox = path.join(root, '.storyline/outbox/2014-02-10-second-round-geneva');
    const recipients = await Promise.all(
      (await readdir(outbox)).map(async (name) => {
        const mail = await simpleParser(await readFile(path.join(outbox, name)));
        const to = Array.isArray(mail.to) ? mail.to[0] : mail.to;
        return to?.value[0]?.address;
      }),
    );
    expect(recipients).toContain(staying);
    expect(recipients).not.toContain(leaving);
    expect(recipients).toHaveLength(3);
    expect(sent.stdout).toMatch(/suppressed +1\n/);
  });

  it('refuses a token that does not verify, and a malformed address, writing nothing', async () => {
    const { root, addresses } = await sendFixture(1);
    const forged = createUnsubscribeToken(addresses[0] ?? '', 'another-secret-0123456789');
    const bad = await runCli(['unsubscribe', forged], { cwd: root, env });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe(
      'storyline unsubscribe: Unexpected token that does not verify, expected the `token` value from an unsubscribe link made with this STORYLINE_SECRET\n',
    );
    const malformed = await runCli(['unsubscribe', '--address', 'not@an address'], {
      cwd: root,
      env,
    });
    expect(malformed.code).toBe(1);
    expect(malformed.stderr).toBe(
      'storyline unsubscribe: Unexpected address, expected one such as reader@example.org\n',
    );
    const missing = await runCli(['unsubscribe'], { cwd: root, env });
    expect(missing.code).toBe(2);
    await expect(readFile(path.join(root, 'archive/suppressions.jsonl'), 'utf8')).rejects.toThrow();
  });

  it('takes a plain address only with --address: without it, a usage error that says so', async () => {
    const { root, addresses } = await sendFixture(2);
    const [victim = ''] = addresses;
    const byAddress = await runCli(['unsubscribe', victim], { cwd: root, env });
    expect(byAddress.code).toBe(2);
    expect(byAddress.stderr).toMatch(
      /^storyline unsubscribe: Unexpected address, expected the token from an unsubscribe link; to unsubscribe an address yourself, pass it with --address\n/,
    );
    // Not echoed: this may run where others read the log.
    expect(byAddress.stderr).not.toContain(victim);
    const both = await runCli(
      ['unsubscribe', '--address', victim, createUnsubscribeToken(victim, secret)],
      { cwd: root, env },
    );
    expect(both.code).toBe(2);
    await expect(readFile(path.join(root, 'archive/suppressions.jsonl'), 'utf8')).rejects.toThrow();

    const sent = await sendInProcess(root, { ...process.env, ...env });
    expect(sent.code).toBe(0);
    expect(sent.stdout).toMatch(/suppressed +0\n/);
  });
});
