import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, stat, symlink } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planPendingEdition } from '../../src/edition/planEdition.js';
import { buildEditions as build } from '../../src/usecases/buildEditions.js';
import {
  editionRecordJson,
  fixture,
  sampleFixture,
  storyMd,
  updateMd,
  writeFiles,
} from '../helpers/fixture.js';
import { defaultNow } from '../helpers/problems.js';
import { loadForRender } from '../helpers/render.js';
import { runCli } from '../helpers/runCli.js';

const env = { STORYLINE_NOW: defaultNow.toISOString() };
const sampleId = '2014-02-10-second-round-geneva';

describe('storyline build', () => {
  it('writes the email, its text, MJML, message and a summary for the pending edition', async () => {
    const root = await sampleFixture();
    const result = await runCli(['build', '--out', 'public'], { cwd: root, env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      new RegExp(
        `^public/${sampleId}/  .+  \\(HTML \\d+\\.\\d KB, text \\d+\\.\\d KB\\)\\nBuilt 1 edition in public\\n$`,
      ),
    );

    const dir = path.join(root, 'public', sampleId);
    expect((await readdir(path.join(root, 'public'))).sort()).toEqual([sampleId]);
    expect((await readdir(dir)).sort()).toEqual([
      'edition.json',
      'email.html',
      'email.mjml',
      'email.txt',
      'message.eml',
    ]);

    const { story, project } = await loadForRender(root);
    const edition = planPendingEdition(story, project.sent, project.config);
    const summary = JSON.parse(await readFile(path.join(dir, 'edition.json'), 'utf8'));
    expect(summary).toMatchObject({
      id: sampleId,
      updates: [sampleId],
      subject: edition?.subject,
      preheader: edition?.preheader,
    });
    expect(summary.subject).toBe(story.updates[0]?.headline);
    const size = async (name: string) => (await stat(path.join(dir, name))).size;
    expect(summary.sizes).toEqual({
      html: await size('email.html'),
      text: await size('email.txt'),
      mjml: await size('email.mjml'),
      eml: await size('message.eml'),
    });
    expect(await readFile(path.join(dir, 'email.mjml'), 'utf8')).toMatch(/^<mjml[\s>]/);
  });

  it('says there is nothing to send, and writes nothing, when the archive holds every update', async () => {
    const root = await sampleFixture();
    await writeFiles(root, {
      [`archive/${sampleId}/edition.json`]: editionRecordJson({
        id: sampleId,
        updates: [sampleId],
        complete: true,
      }),
    });
    const result = await runCli(['build'], { cwd: root, env });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^Nothing to send/);
    expect(existsSync(path.join(root, 'out'))).toBe(false);
  });

  it('still builds the edition of an update that stopped part-way through sending', async () => {
    const root = await sampleFixture();
    await writeFiles(root, {
      [`archive/${sampleId}/edition.json`]: editionRecordJson({
        id: sampleId,
        updates: [sampleId],
        complete: false,
      }),
    });
    const out = path.join(root, 'out');
    const result = await build({ root, out, edition: 'pending', strict: false, now: defaultNow });
    expect(result.status).toBe('built');
    expect(existsSync(path.join(out, sampleId, 'message.eml'))).toBe(true);
  });

  it('exits 2 listing the update ids for an unknown --edition', async () => {
    const root = await fixture({
      'story.md': storyMd,
      'updates/2014-02-10-talks.md': updateMd('date: 2014-02-10'),
      'updates/2014-02-11-more-talks.md': updateMd('date: 2014-02-11'),
    });
    const result = await runCli(['build', '--edition', 'nope'], { cwd: root, env });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      'no edition `nope`; expected pending, all, or one of: 2014-02-10-talks, 2014-02-11-more-talks',
    );
    expect(existsSync(path.join(root, 'out'))).toBe(false);
  });

  it('builds the edition of an update named by its id', async () => {
    const root = await fixture({
      'story.md': storyMd,
      'updates/2014-02-10-talks.md': updateMd('date: 2014-02-10'),
      'updates/2014-02-11-more-talks.md': updateMd('date: 2014-02-11'),
    });
    const out = path.join(root, 'out');
    const result = await build({
      root,
      out,
      edition: '2014-02-10-talks',
      strict: false,
      now: defaultNow,
    });
    expect(result.status).toBe('built');
    expect(await readdir(out)).toEqual(['2014-02-10-talks']);
  });

  it('exits 1 on a content error and writes nothing', async () => {
    const root = await fixture({
      'story.md': storyMd,
      'updates/2014-02-10-talks.md': updateMd('date: 2014-02-10'),
      'updates/2014-02-11-broken.md': updateMd('date: 2014-02-30'),
    });
    const result = await runCli(['build', '--out', 'out'], { cwd: root, env });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    const [problem, summary, ...rest] = result.stderr.split('\n');
    expect(problem).toBe(
      'updates/2014-02-11-broken.md:2:7: Unexpected day `30` in `2014-02-30`, expected 01 to 28 (February 2014 has 28 days) [invalid-date]',
    );
    expect(summary).toMatch(/^1 errors?: nothing was written$/);
    expect(rest).toEqual(['']);
    expect(existsSync(path.join(root, 'out'))).toBe(false);
  });

  it('exits 1 on a broken template and writes nothing', async () => {
    const root = await sampleFixture();
    const main = path.join(root, 'templates/email.mjml');
    await writeFiles(root, {
      'templates/email.mjml': (await readFile(main, 'utf8')).replace(
        '<mj-body',
        '<mj-body colour="red"',
      ),
    });
    const result = await runCli(['build'], { cwd: root, env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^templates\/email\.mjml:\d+:1: Unexpected MJML in <mj-body>: Attribute colour is illegal \[mjml\]\n/,
    );
    expect(existsSync(path.join(root, 'out'))).toBe(false);
  });
});

describe('where build may write', () => {
  it('refuses --out inside updates/ or archive/, by any path or link, as a usage error', async () => {
    const root = await sampleFixture();
    await mkdir(path.join(root, 'archive'), { recursive: true });
    await symlink(path.join(root, 'archive'), path.join(root, 'link-to-archive'));
    const before = await readdir(path.join(root, 'updates'));
    for (const out of [
      'archive',
      'archive/builds',
      'updates',
      'updates/new/deeper',
      'out/../archive',
      path.join(root, 'archive'),
      'link-to-archive/builds',
    ]) {
      const result = await runCli(['build', '--out', out], { cwd: root, env });
      expect(result.code, out).toBe(2);
      expect(result.stderr, out).toMatch(
        /^storyline build: --out must not be inside (updates|archive)\//,
      );
    }
    expect(await readdir(path.join(root, 'archive'))).toEqual([]);
    expect(await readdir(path.join(root, 'updates'))).toEqual(before);
    // A folder that merely starts with the same letters is fine.
    const fine = await runCli(['build', '--out', 'archived-builds'], { cwd: root, env });
    expect(fine.code, fine.stderr).toBe(0);
  });
});

describe('storyline build, bounded', () => {
  it('refuses an edition whose HTML passes 2 MB in build, send and publish, writing and sending nothing', async () => {
    // `&` is the markdown that grows most in HTML (`&#x26;`), so three
    // updates under the file limit make an email of about 2.8 MB.
    const body = `${'&'.repeat(76)}\n\n`.repeat(2000);
    const root = await fixture({
      'story.md': storyMd,
      'updates/2014-02-08-a.md': updateMd('date: 2014-02-08', body),
      'updates/2014-02-09-b.md': updateMd('date: 2014-02-09', body),
      'updates/2014-02-10-c.md': updateMd('date: 2014-02-10', body),
      'subscribers.csv': 'email\nada@example.org\n',
    });
    const capError =
      'updates/2014-02-10-c.md:1:1: Unexpected email HTML of 2.8 MB, expected at most 2.0 MB; shorten the update or lower `earlierUpdates` in storyline.config.json [html-size]';
    for (const args of [
      ['build', '--out', 'public'],
      ['send'],
      ['send', '--dry-run'],
      ['publish'],
    ]) {
      const result = await runCli(args, { cwd: root, env });
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr, args.join(' ')).toContain(capError);
    }
    expect(existsSync(path.join(root, 'public'))).toBe(false);
    expect(existsSync(path.join(root, '.storyline', 'outbox'))).toBe(false);
    expect(existsSync(path.join(root, 'archive'))).toBe(false);
  });
});
