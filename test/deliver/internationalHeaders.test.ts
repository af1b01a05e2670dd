import { readFile, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { describe, expect, it } from 'vitest';
import { fixture, storyMd, updateMd } from '../helpers/fixture.js';
import { defaultNow } from '../helpers/problems.js';
import { runCli } from '../helpers/runCli.js';
import { secret, sendFixture, sendInProcess } from '../helpers/sendFixture.js';

describe('headers a relay accepts', () => {
  it('folds a 1,200-character headline into lines of at most 998 octets', async () => {
    const headline = `Talks${'-resume'.repeat(170)}!`;
    const root = await fixture({
      'story.md': storyMd,
      'updates/2014-02-10-talks.md': updateMd(`date: 2014-02-10\nheadline: ${headline}`),
    });
    const result = await runCli(['build', '--out', 'public'], {
      cwd: root,
      env: { STORYLINE_NOW: defaultNow.toISOString() },
    });
    expect(result.code).toBe(0);
    const eml = await readFile(path.join(root, 'public/2014-02-10-talks/message.eml'));
    const longest = Math.max(
      ...eml
        .toString('latin1')
        .split('\r\n')
        .map((line) => line.length),
    );
    expect(longest).toBeLessThanOrEqual(998);
    expect((await simpleParser(eml)).subject).toBe(headline);
  });

  it('sends to an international domain in punycode and skips a non-ASCII local part', async () => {
    // A server of our own, to see the RCPT TO commands as they arrive:
    // smtp-server turns punycode back into Unicode in the envelope it reports.
    const commands: string[] = [];
    const headers: string[] = [];
    const log = (_meta: unknown, format: unknown, line: unknown) => {
      if (format === 'C:') commands.push(String(line));
    };
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      closeTimeout: 100,
      // smtp-server takes a bunyan-style logger; only `debug` carries commands.
      logger: { trace: log, debug: log, info: log, warn: log, error: log, fatal: log } as never,
      onData(stream, _session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          headers.push(Buffer.concat(chunks).toString('latin1').split('\r\n\r\n', 1)[0] ?? '');
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    try {
      const { port } = server.server.address() as AddressInfo;
      const { root } = await sendFixture(0);
      await writeFile(
        path.join(root, 'subscribers.csv'),
        'email\nreader@bücher.example\njosé@example.org\nada@example.org\n',
      );
      const result = await sendInProcess(root, {
        SMTP_URL: `smtp://127.0.0.1:${port}`,
        STORYLINE_SECRET: secret,
      });
      expect(result.code).toBe(0);
      expect(commands.filter((c) => /^RCPT TO/i.test(c)).sort()).toEqual([
        'RCPT TO:<ada@example.org>',
        'RCPT TO:<reader@xn--bcher-kva.example>',
      ]);
      expect(headers.join('\n')).toContain('To: reader@xn--bcher-kva.example');
      expect(result.stderr).toContain(
        'subscribers.csv:3:1: warning: Unexpected non-ASCII character before the `@`',
      );
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
