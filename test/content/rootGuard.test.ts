import { existsSync } from 'node:fs';
import { appendFile, lstat, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeArchive } from '../../src/archive/writeArchive.js';
import { formatProblem } from '../../src/diagnostics/formatProblem.js';
import { PreviewModel } from '../../src/preview/PreviewModel.js';
import { startPreviewServer } from '../../src/preview/previewServer.js';
import { loadProject } from '../../src/project/loadProject.js';
import { loadTemplate } from '../../src/render/loadTemplate.js';
import { checkProject as check } from '../../src/usecases/checkProject.js';
import { fixture, sampleFixture, updateMd } from '../helpers/fixture.js';
import { publishInProcess, publishNow, publishOk } from '../helpers/publish.js';
import { runCli } from '../helpers/runCli.js';

/** What a file of the machine outside the content root holds: it must never reach any output. */
const secret = 'FAKE-SECRET-SMTP_URL=smtp://user:hunter2@relay.example';

/** A folder outside the content root holding `secret.png`, `secret.md`, `secret.mjml`. */
async function outsideFolder(): Promise<string> {
  return fixture({
    'secret.png': `${secret}\n`,
    'secret.md': updateMd('date: 2014-02-11', `${secret}\n`),
    'secret.mjml': `<mj-section><mj-column><mj-text>${secret}</mj-text></mj-column></mj-section>\n`,
  });
}

/** `check` as the CLI prints it: `path:line:col: message [rule]`, errors only. */
async function checkErrors(root: string): Promise<{ ok: boolean; errors: string[] }> {
  const result = await check({ root, now: publishNow });
  const errors = result.problems.filter((p) => p.fatal).map((p) => formatProblem(p, root));
  return { ok: result.ok, errors };
}

/** Every regular file under `dir` (symbolic links are not followed) that holds the secret. */
async function filesHoldingSecret(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const found: string[] = [];
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const filePath = path.join(entry.parentPath, entry.name);
    if (!(await lstat(filePath)).isFile()) continue;
    if ((await readFile(filePath, 'utf8')).includes(secret))
      found.push(path.relative(dir, filePath));
  }
  return found;
}

/** Publish must refuse and leave nothing of the outside file in archive/ or .storyline/. */
async function expectPublishRefuses(root: string): Promise<void> {
  const result = await publishInProcess(root);
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('Nothing was sent or archived.');
  expect(`${result.stdout}${result.stderr}`).not.toContain(secret);
  expect(await filesHoldingSecret(path.join(root, 'archive'))).toEqual([]);
  expect(await filesHoldingSecret(path.join(root, '.storyline'))).toEqual([]);
}

/** A real preview server on loopback over `root`; `get` returns status and body. */
async function withPreview(
  root: string,
  use: (get: (route: string) => Promise<{ status: number; body: string }>) => Promise<void>,
): Promise<void> {
  const model = new PreviewModel(root, () => publishNow);
  const server = await startPreviewServer({ model, host: '127.0.0.1', port: 0 });
  try {
    await use(async (route) => {
      const response = await fetch(new URL(route, server.url));
      return { status: response.status, body: await response.text() };
    });
  } finally {
    await server.close();
  }
}

function lineCount(text: string): number {
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

describe('files from outside the content root', () => {
  it('refuses a symlinked image at its reference, and neither archives nor serves it', async () => {
    const outside = await outsideFolder();
    const root = await sampleFixture();
    const story = await readFile(path.join(root, 'story.md'), 'utf8');
    await appendFile(path.join(root, 'story.md'), '\n![chart](images/chart.png)\n');
    await symlink(path.join(outside, 'secret.png'), path.join(root, 'images/chart.png'));
    const line = lineCount(story) + 2;

    const expected = `story.md:${line}:1: Unexpected image outside the content root (images/chart.png resolves to a file elsewhere), expected a file inside it; copy the file into the content root instead of linking to it [outside-root]`;
    expect(await checkErrors(root)).toEqual({ ok: false, errors: [expected] });
    const cli = await runCli(['check'], { cwd: root });
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain(expected);
    expect(cli.stderr).not.toContain(outside);

    await expectPublishRefuses(root);
    expect(existsSync(path.join(root, 'archive/images/chart.png'))).toBe(false);

    await withPreview(root, async (get) => {
      const answer = await get('/site/images/chart.png');
      expect(answer.status).toBe(404);
      expect(answer.body).not.toContain(secret);
      expect((await get('/site/images/geneva-ii-talks.png')).status).toBe(200);
    });
  });

  it('refuses a story image (`image.src`) that is a symlink out of the root', async () => {
    const outside = await outsideFolder();
    const root = await sampleFixture();
    await rm(path.join(root, 'images/geneva-ii-talks.png'));
    await symlink(path.join(outside, 'secret.png'), path.join(root, 'images/geneva-ii-talks.png'));
    const { errors } = await checkErrors(root);
    expect(errors).toEqual([
      'story.md:7:3: Unexpected image outside the content root (images/geneva-ii-talks.png resolves to a file elsewhere), expected a file inside it; copy the file into the content root instead of linking to it [outside-root]',
    ]);
    await expectPublishRefuses(root);
  });

  it('refuses media in a symlinked folder under images/', async () => {
    const outside = await outsideFolder();
    const root = await sampleFixture();
    await symlink(outside, path.join(root, 'images/ext'), 'dir');
    const story = await readFile(path.join(root, 'story.md'), 'utf8');
    await appendFile(
      path.join(root, 'story.md'),
      '\nSee [the figures](images/ext/secret.png) and ![x][ref].\n\n[ref]: images/ext/secret.png\n',
    );
    const line = lineCount(story) + 2;
    const { ok, errors } = await checkErrors(root);
    expect(ok).toBe(false);
    expect(errors).toEqual([
      `story.md:${line}:5: Unexpected link outside the content root (images/ext/secret.png resolves to a file elsewhere), expected a file inside it; copy the file into the content root instead of linking to it [outside-root]`,
      `story.md:${line + 2}:1: Unexpected link outside the content root (images/ext/secret.png resolves to a file elsewhere), expected a file inside it; copy the file into the content root instead of linking to it [outside-root]`,
    ]);

    await expectPublishRefuses(root);
    expect(existsSync(path.join(root, 'archive/images/ext'))).toBe(false);

    await withPreview(root, async (get) => {
      for (const route of ['/site/images/ext/secret.png', '/site/images/ext%2Fsecret.png']) {
        const answer = await get(route);
        expect({ route, status: answer.status }).toEqual({ route, status: 404 });
        expect(answer.body).not.toContain(secret);
      }
    });
  });

  it('reports a symlinked update file and a symlinked folder in updates/ at the link', async () => {
    const outside = await outsideFolder();
    const root = await sampleFixture();
    await symlink(path.join(outside, 'secret.md'), path.join(root, 'updates/2014-02-11-linked.md'));
    await symlink(outside, path.join(root, 'updates/more'), 'dir');
    const { ok, errors } = await checkErrors(root);
    expect(ok).toBe(false);
    expect(errors).toEqual([
      'updates/2014-02-11-linked.md:1:1: Unexpected symbolic link `updates/2014-02-11-linked.md` in updates/, expected the update file itself; commit the file in updates/ instead of linking to it [symlink]',
      'updates/more:1:1: Unexpected symbolic link `updates/more` in updates/, expected the update file itself; commit the file in updates/ instead of linking to it [symlink]',
    ]);

    await expectPublishRefuses(root);

    await withPreview(root, async (get) => {
      for (const route of ['/api/view', '/email.html', '/email.txt', '/api/state']) {
        const answer = await get(route);
        expect({ route, leaks: answer.body.includes(secret) }).toEqual({ route, leaks: false });
      }
    });
  });

  it('refuses story.md, storyline.config.json and updates/ that are links out of the root', async () => {
    const outside = await fixture({
      'story.md': `---\ntitle: ${secret}\npublished: 2014-01-22\n---\n\n${secret}\n`,
      'storyline.config.json': `{ "publication": "${secret}" }\n`,
      'updates/2014-02-11-x.md': updateMd('date: 2014-02-11', `${secret}\n`),
    });
    const root = await sampleFixture();
    for (const name of ['story.md', 'storyline.config.json', 'updates']) {
      await rm(path.join(root, name), { recursive: true });
      await symlink(path.join(outside, name), path.join(root, name));
    }
    const { errors } = await checkErrors(root);
    expect(errors).toEqual([
      'story.md:1:1: Unexpected story.md outside the content root (a symbolic link to a file elsewhere), expected the file itself; copy it into the content root instead of linking to it [outside-root]',
      'storyline.config.json:1:1: Unexpected storyline.config.json outside the content root (a symbolic link to a file elsewhere), expected the file itself; copy it into the content root instead of linking to it [outside-root]',
      'updates:1:1: Unexpected updates/ outside the content root (a symbolic link to a folder elsewhere), expected the folder itself; copy it into the content root instead of linking to it [outside-root]',
    ]);
    await expectPublishRefuses(root);
  });

  it('refuses an mj-include that reaches outside the template folder through a symlink', async () => {
    const outside = await outsideFolder();
    const root = await sampleFixture();
    const footer = path.join(root, 'templates/partials/footer.mjml');
    await rm(footer);
    await symlink(path.join(outside, 'secret.mjml'), footer);
    const main = await readFile(path.join(root, 'templates/email.mjml'), 'utf8');
    const offset = main.indexOf('<mj-include path="./partials/footer.mjml"');
    const before = main.slice(0, offset).split('\n');
    const place = `${before.length}:${(before.at(-1)?.length ?? 0) + 1}`;

    const { ok, errors } = await checkErrors(root);
    expect(ok).toBe(false);
    expect(errors).toEqual([
      `templates/email.mjml:${place}: Unexpected include \`./partials/footer.mjml\` outside templates/, expected a file inside the template folder [template-include]`,
    ]);

    await expectPublishRefuses(root);

    await withPreview(root, async (get) => {
      for (const route of ['/api/view', '/email.html', '/email.mjml']) {
        const answer = await get(route);
        expect({ route, leaks: answer.body.includes(secret) }).toEqual({ route, leaks: false });
      }
    });
  });

  it('refuses a template whose folder or main file links out of the root', async () => {
    const outside = await fixture({ 'email.mjml': `<mjml><mj-body>${secret}</mj-body></mjml>\n` });
    const root = await sampleFixture();
    await rm(path.join(root, 'templates'), { recursive: true });
    await symlink(outside, path.join(root, 'templates'), 'dir');
    const { template, files } = await loadTemplate(root, {});
    expect(template).toBeUndefined();
    expect(files.flatMap((f) => f.messages.map((m) => formatProblem(m, root)))).toEqual([
      'templates/email.mjml:1:1: Unexpected template outside the content root (templates/email.mjml resolves to a file elsewhere), expected a file inside it; copy the template into the content root instead of linking to it [outside-root]',
    ]);

    await rm(path.join(root, 'templates'));
    await writeFile(
      path.join(root, 'storyline.config.json'),
      JSON.stringify({ template: 'mine.mjml' }),
    );
    await symlink(path.join(outside, 'email.mjml'), path.join(root, 'mine.mjml'));
    const { errors } = await checkErrors(root);
    expect(errors).toEqual([
      'mine.mjml:1:1: Unexpected template outside the content root (mine.mjml resolves to a file elsewhere), expected a file inside it; copy the template into the content root instead of linking to it [outside-root]',
    ]);
  });

  it('archives an image only from inside the root, even when nothing checked first', async () => {
    const outside = await outsideFolder();
    const root = await sampleFixture();
    await publishOk(root);
    const image = path.join(root, 'images/geneva-ii-talks.png');
    const archived = await readFile(path.join(root, 'archive/images/geneva-ii-talks.png'));
    // Swapped for a link after the check, as a racing or careless caller might.
    await rm(image);
    await symlink(path.join(outside, 'secret.png'), image);
    const project = await loadProject(root, publishNow);
    const story = project.story;
    if (!story) throw new Error('the story did not load');
    const template = await loadTemplate(root, project.config);
    await writeArchive(root, story, project.config, template);
    expect(await filesHoldingSecret(path.join(root, 'archive'))).toEqual([]);
    expect(await readFile(path.join(root, 'archive/images/geneva-ii-talks.png'))).toEqual(archived);
  });

  it('never archives or serves data from inside the root behind a media name', async () => {
    const root = await sampleFixture();
    await appendFile(path.join(root, 'story.md'), '\n![The list](images/list.png)\n');
    await symlink('../subscribers.example.csv', path.join(root, 'images/list.png'));
    const list = await readFile(path.join(root, 'subscribers.example.csv'), 'utf8');
    const firstAddress = list.split('\n')[1]?.split(',')[0] ?? '';
    expect(firstAddress).toContain('@');
    await publishOk(root);
    expect(existsSync(path.join(root, 'archive/images/list.png'))).toBe(false);
    await withPreview(root, async (get) => {
      const answer = await get('/site/images/list.png');
      expect(answer.status).toBe(404);
      expect(answer.body).not.toContain(firstAddress);
    });
  });
});
