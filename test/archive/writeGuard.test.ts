import { existsSync } from 'node:fs';
import { lstat, mkdir, readdir, readFile, symlink } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/diagnostics/formatProblem.js';
import { appendSuppression, readSuppressions } from '../../src/ledger/suppressions.js';
import { checkProject as check } from '../../src/usecases/checkProject.js';
import { newUpdate } from '../../src/usecases/newUpdate.js';
import { fixture, sampleFixture, storyMd } from '../helpers/fixture.js';
import { publishEnv, publishInProcess, publishNow } from '../helpers/publish.js';
import { runCli } from '../helpers/runCli.js';

/** The edition the sample story's one update makes. */
const editionId = '2014-02-10-second-round-geneva';

/** A folder of the CI runner outside the content root, holding a fake secret. */
async function outsideFolder(): Promise<string> {
  return fixture({ 'secret.txt': 'FAKE-SECRET ssh-ed25519 AAAA\n', 'keep/nested.txt': 'kept\n' });
}

/** Every entry under `dir` (links not followed) with its bytes: what "unchanged" compares. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const found: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const filePath = path.join(entry.parentPath, entry.name);
    const stats = await lstat(filePath);
    found[path.relative(dir, filePath)] = stats.isFile()
      ? (await readFile(filePath)).toString('base64')
      : stats.isDirectory()
        ? 'folder'
        : 'other';
  }
  return found;
}

/** Every regular file under `dir`, links not followed: an outbox holding none sent nothing. */
async function regularFiles(dir: string): Promise<string[]> {
  if (!existsSync(dir) || (await lstat(dir)).isSymbolicLink()) return [];
  const files: string[] = [];
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true }))
    if (entry.isFile()) files.push(path.relative(dir, path.join(entry.parentPath, entry.name)));
  return files;
}

/** The sample story with `link` (relative to the root) pointing at `to`. */
async function sampleWithLink(link: string, to: string): Promise<string> {
  const root = await sampleFixture();
  await mkdir(path.dirname(path.join(root, link)), { recursive: true });
  await symlink(to, path.join(root, link));
  return root;
}

describe('writes never leave the content root', () => {
  const cases: { name: string; link: string; target: (outside: string) => string }[] = [
    { name: 'archive -> outside', link: 'archive', target: (o) => o },
    { name: 'archive/images -> outside', link: 'archive/images', target: (o) => o },
    {
      name: 'archive/feed.xml -> outside/file',
      link: 'archive/feed.xml',
      target: (o) => path.join(o, 'secret.txt'),
    },
    {
      name: 'archive/<edition>/deliveries.jsonl -> outside/file',
      link: `archive/${editionId}/deliveries.jsonl`,
      target: (o) => path.join(o, 'secret.txt'),
    },
    { name: '.storyline/outbox -> outside', link: '.storyline/outbox', target: (o) => o },
  ];

  for (const { name, link, target } of cases) {
    it(`publish refuses ${name}, sends nothing and leaves the outside untouched`, async () => {
      const outside = await outsideFolder();
      const before = await snapshot(outside);
      const root = await sampleWithLink(link, target(outside));

      const result = await publishInProcess(root);

      expect(result.code).toBe(1);
      expect(result.stderr).toContain(link);
      expect(result.stderr).toContain('Nothing was sent or archived.');
      // Where the link points is never printed: it may be a secret path itself.
      expect(`${result.stdout}${result.stderr}`).not.toContain(outside);
      expect(await snapshot(outside)).toEqual(before);
      expect(await regularFiles(path.join(root, '.storyline', 'outbox'))).toEqual([]);
      expect(existsSync(path.join(root, 'archive', editionId, 'edition.json'))).toBe(false);
    });
  }

  it('check reports every symbolic link in archive/ as an error, wherever it points', async () => {
    const outside = await outsideFolder();
    const root = await sampleFixture();
    await mkdir(path.join(root, 'archive', 'real'), { recursive: true });
    await symlink(outside, path.join(root, 'archive', 'images'));
    await symlink(path.join(outside, 'secret.txt'), path.join(root, 'archive', 'real', 'feed.xml'));
    // Inside the root, and still refused: archive/ never needs a link.
    await symlink(path.join(root, 'story.md'), path.join(root, 'archive', 'story.md'));

    const result = await check({ root, now: publishNow });
    const errors = result.problems.filter((p) => p.fatal);

    expect(result.ok).toBe(false);
    expect(errors.map((p) => p.ruleId)).toEqual(['symlink', 'symlink', 'symlink']);
    expect(errors.map((p) => formatProblem(p, root).split(':')[0])).toEqual([
      'archive/images',
      'archive/real/feed.xml',
      'archive/story.md',
    ]);
    expect(errors.map((p) => p.reason).join('\n')).not.toContain(outside);
  });

  it('send refuses a linked lock folder before any message, exit 1', async () => {
    const outside = await outsideFolder();
    const before = await snapshot(outside);
    const root = await sampleWithLink('.storyline/locks', outside);

    const result = await runCli(['send', '--root', root], { env: publishEnv });

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'Nothing was sent: .storyline/locks is a link to a folder outside the content root; replace it with a real folder',
    );
    expect(await snapshot(outside)).toEqual(before);
    expect(await regularFiles(path.join(root, '.storyline', 'outbox'))).toEqual([]);
  });

  it('build --out inside the root never writes through a link out of it', async () => {
    const outside = await outsideFolder();
    const before = await snapshot(outside);
    const root = await sampleWithLink('out', outside);

    const result = await runCli(['build', '--root', root, '--out', path.join(root, 'out')], {
      env: publishEnv,
    });

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('out is a link to a folder outside the content root');
    expect(await snapshot(outside)).toEqual(before);
  });

  it('a suppression is never appended to, nor read from, a linked file', async () => {
    const outside = await outsideFolder();
    const before = await snapshot(outside);
    const root = await sampleWithLink(
      'archive/suppressions.jsonl',
      path.join(outside, 'secret.txt'),
    );
    const secret = 'archive-test-secret-0123456789';
    const entry = {
      hash: 'a'.repeat(22),
      reason: 'bounced' as const,
      at: publishNow.toISOString(),
      key: 'k',
    };

    await expect(appendSuppression(root, entry)).rejects.toThrow(
      'archive/suppressions.jsonl is a link to a file outside the content root',
    );
    await expect(readSuppressions(root, secret)).rejects.toThrow('is a symbolic link');
    expect(await snapshot(outside)).toEqual(before);
  });

  it('storyline new never writes through a linked updates/ folder', async () => {
    const outside = await outsideFolder();
    const before = await snapshot(outside);
    const root = await fixture({ 'story.md': storyMd });
    await symlink(outside, path.join(root, 'updates'));

    await expect(
      newUpdate({ root, headline: 'Talks resume', now: publishNow, timeZone: 'UTC' }),
    ).rejects.toThrow('updates is a link to a folder outside the content root');
    expect(await snapshot(outside)).toEqual(before);
  });

  it('a test copy is never written through a linked outbox folder', async () => {
    const outside = await outsideFolder();
    const before = await snapshot(outside);
    const root = await sampleWithLink('.storyline/outbox/test', outside);

    const result = await runCli(['send', '--root', root, '--to', 'me@example.org'], {
      env: publishEnv,
    });

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'Nothing was sent: .storyline/outbox/test is a link to a folder',
    );
    expect(await snapshot(outside)).toEqual(before);
  });

  it('preview --screenshot inside the root never writes through a link out of it', async () => {
    const outside = await outsideFolder();
    const before = await snapshot(outside);
    const root = await sampleWithLink('shots', outside);

    const result = await runCli(
      ['preview', '--root', root, '--screenshot', path.join(root, 'shots')],
      {
        env: { ...publishEnv, STORYLINE_CHROMIUM: '' },
      },
    );

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('shots is a link to a folder outside the content root');
    expect(await snapshot(outside)).toEqual(before);
  });
});
