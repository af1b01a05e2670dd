import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { type ParsedMail, simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { fixture, sampleFixture, storyMd, updateMd } from '../helpers/fixture.js';
import { defaultNow } from '../helpers/problems.js';
import { loadForRender } from '../helpers/render.js';
import { runCli } from '../helpers/runCli.js';

const env = { STORYLINE_NOW: defaultNow.toISOString() };

/** `storyline build` in `root`; the raw message.eml of its one edition and its parse. */
async function buildMessage(root: string): Promise<{ raw: string; mail: ParsedMail; dir: string }> {
  const result = await runCli(['build', '--out', 'out'], { cwd: root, env });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const [id] = (await loadForRender(root)).story.updates.map((u) => u.id);
  const dir = path.join(root, 'out', id ?? '');
  const raw = await readFile(path.join(dir, 'message.eml'), 'latin1');
  return { raw, mail: await simpleParser(raw), dir };
}

/** The header block of a message, or of a MIME part: everything before the first empty line. */
function headerLines(raw: string): string[] {
  return (raw.split(/\r\n\r\n/)[0] ?? '').split('\r\n');
}

/** Unfolded header fields, in order, as [name, value]. */
function headerFields(raw: string): [string, string][] {
  const fields: [string, string][] = [];
  for (const line of headerLines(raw)) {
    const last = fields.at(-1);
    if (/^[ \t]/.test(line) && last) last[1] += line;
    else {
      const colon = line.indexOf(':');
      fields.push([line.slice(0, colon), line.slice(colon + 1).trim()]);
    }
  }
  return fields;
}

/** The content types of the parts of a multipart body, in order. */
function partTypes(raw: string, boundary: string): string[] {
  return raw
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((part) => /^Content-Type:\s*([^;\r\n]+)/im.exec(part)?.[1]?.trim() ?? '');
}

describe('message.eml', () => {
  it('parses into one text and one HTML part with the subject, addresses and ids', async () => {
    const root = await sampleFixture();
    const { raw, mail, dir } = await buildMessage(root);
    const { story, project } = await loadForRender(root);
    const headline = story.updates[0]?.headline;

    const contentType = mail.headers.get('content-type') as {
      value: string;
      params: { boundary: string };
    };
    expect(contentType.value).toBe('multipart/alternative');
    expect(partTypes(raw, contentType.params.boundary)).toEqual(['text/plain', 'text/html']);
    expect(mail.attachments).toEqual([]);
    expect(mail.text?.trimEnd()).toBe(
      (await readFile(path.join(dir, 'email.txt'), 'utf8')).trimEnd(),
    );
    expect(mail.html).toBe(await readFile(path.join(dir, 'email.html'), 'utf8'));

    expect(mail.subject).toBe(headline);
    const [, fromName, fromAddress] = /^(.*) <(.*)>$/.exec(project.config.from) ?? [];
    expect(mail.from?.value).toEqual([{ address: fromAddress, name: fromName }]);
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.value : []).toEqual([
      { address: 'subscriber@example.org', name: 'Example Subscriber' },
    ]);
    expect(mail.date?.toISOString()).toBe(defaultNow.toISOString());
    expect(mail.messageId).toMatch(/^<[^<>@\s]+@example\.org>$/);
  });

  it('carries List-Unsubscribe with the https URL and the mailto, one-click, and List-Id', async () => {
    const root = await sampleFixture();
    const { raw } = await buildMessage(root);
    const { project } = await loadForRender(root);
    const fields = new Map(headerFields(raw).map(([name, value]) => [name.toLowerCase(), value]));
    const unsubscribe = fields.get('list-unsubscribe') ?? '';
    const [https, mailto] = [...unsubscribe.matchAll(/<([^>]+)>/g)].map((m) => m[1] ?? '');
    expect(https?.startsWith(`${project.config.unsubscribe.url}?token=`)).toBe(true);
    expect(mailto?.startsWith(`mailto:${project.config.unsubscribe.mailto}?`)).toBe(true);
    expect(fields.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(fields.get('list-id')).toMatch(
      new RegExp(`^${project.config.publication} <[a-z0-9.-]+>$`),
    );
  });

  it('has no header folding errors', async () => {
    const { raw } = await buildMessage(await sampleFixture());
    const lines = headerLines(raw);
    expect(lines.length).toBeGreaterThan(5);
    // Some header is folded, so continuation lines are really checked.
    expect(lines.some((line) => /^[ \t]/.test(line))).toBe(true);
    for (const line of lines) {
      expect(line.length).toBeLessThanOrEqual(998);
      expect(line).toMatch(/^([ \t]\S|[!-9;-~]+:)/);
    }
    // Header lines end in CRLF: no bare CR or LF could start a new header.
    for (const line of lines) expect(line).not.toMatch(/[\r\n]/);
  });

  it('cannot gain a header from a line break in the headline', async () => {
    const root = await fixture({
      'story.md': storyMd,
      'updates/2014-02-10-talks.md': updateMd(
        'date: 2014-02-10\nheadline: "Talks\\r\\nBcc: victim@example.com"\nsummary: "Resumed\\nX-Injected: yes"',
      ),
    });
    const { story } = await loadForRender(root);
    expect(story.updates[0]?.headline).toBe('Talks\r\nBcc: victim@example.com');

    const { raw, mail } = await buildMessage(root);
    expect(mail.bcc).toBeUndefined();
    expect(mail.headers.has('bcc')).toBe(false);
    expect(mail.headers.has('x-injected')).toBe(false);
    expect(mail.subject).toBe('Talks Bcc: victim@example.com');
    const names = headerFields(raw).map(([name]) => name.toLowerCase());
    expect(names.filter((name) => name === 'subject')).toHaveLength(1);
    expect(names).not.toContain('bcc');
  });
});
