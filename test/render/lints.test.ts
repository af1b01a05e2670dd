import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/diagnostics/formatProblem.js';
import { checkProject as check } from '../../src/usecases/checkProject.js';
import { fixture, sampleFixture, storyMd, updateMd } from '../helpers/fixture.js';
import { defaultNow } from '../helpers/problems.js';
import { positionOf, renderPending } from '../helpers/render.js';
import { runCli } from '../helpers/runCli.js';

const siteUrl = 'https://example.org/syria-talks/';
const config = JSON.stringify({ siteUrl });
const png = Buffer.from('89504e470d0a1a0a', 'hex');

/** Every problem `check` reports for a content root, as the CLI prints it. */
async function checkProblems(root: string): Promise<string[]> {
  const result = await check({ root, now: defaultNow });
  return result.problems.map((problem) => formatProblem(problem, root));
}

/** A story with one update of `body` (and `frontMatter` after its date). */
async function storyWithUpdate(
  body: string,
  frontMatter = '',
): Promise<{ root: string; file: string; text: string }> {
  const file = 'updates/2014-02-10-talks.md';
  const text = updateMd(`date: 2014-02-10\n${frontMatter}`, body);
  const root = await fixture({
    'story.md': storyMd,
    'storyline.config.json': config,
    'images/chart.png': png,
    [file]: text,
  });
  return { root, file, text };
}

describe('lints of the rendered edition', () => {
  it('warn when the HTML is over 102 KB, the size at which Gmail clips a message', async () => {
    // Real prose, as a long live blog would have: about 110 KB of paragraphs.
    const body = Array.from(
      { length: 550 },
      (_, i) =>
        `At ${i} minutes past the hour the delegations returned to the hall, and the mediator read out the agenda for the afternoon session once more.`,
    ).join('\n\n');
    const { root, file } = await storyWithUpdate(body, 'summary: A very long day.');
    const { rendered, lints } = await renderPending(root);
    const bytes = Buffer.byteLength(rendered.html);
    expect(bytes).toBeGreaterThan(102 * 1024);
    const warning = `${file}:1:1: warning: Unexpected email HTML of ${(bytes / 1024).toFixed(1)} KB, expected at most 102.0 KB: Gmail clips longer messages; shorten the update or lower \`earlierUpdates\` in storyline.config.json [html-size]`;
    expect(lints).toEqual([warning]);
    expect(await checkProblems(root)).toEqual([warning]);
  });

  it('warn at the headline when the subject is over 78 characters', async () => {
    const headline =
      'Second Round Of Syrian Peace Talks Under Way in Geneva As Both Sides Trade Blame';
    expect(headline.length).toBeGreaterThan(78);
    const { root, file, text } = await storyWithUpdate('Talks resumed.\n', `headline: ${headline}`);
    expect(await checkProblems(root)).toEqual([
      `${file}:${positionOf(text, headline)}: warning: Unexpected subject of ${headline.length} characters, expected at most 78; inboxes cut it off [subject-length]`,
    ]);

    const fits = headline.slice(0, 78);
    const short = await storyWithUpdate('Talks resumed.\n', `headline: ${fits}`);
    expect(await checkProblems(short.root)).toEqual([]);
  });

  it('count the subject prefix, and point at the update that set the headline', async () => {
    const headline = 'Second Round Of Syrian Peace Talks Under Way in Geneva';
    const older = updateMd(`date: 2014-02-10\nheadline: ${headline}`, 'Talks resumed.\n');
    const root = await fixture({
      'story.md': storyMd,
      'storyline.config.json': JSON.stringify({
        siteUrl,
        subjectPrefix: '[The Syria Brief, live updates] ',
      }),
      'updates/2014-02-10-talks.md': older,
      'updates/2014-02-11-more.md': updateMd('date: 2014-02-11', 'More talks.\n'),
    });
    const subject = `[The Syria Brief, live updates] ${headline}`;
    expect(headline.length).toBeLessThanOrEqual(78);
    expect(await checkProblems(root)).toEqual([
      `updates/2014-02-10-talks.md:${positionOf(older, headline)}: warning: Unexpected subject of ${subject.length} characters, expected at most 78; inboxes cut it off [subject-length]`,
    ]);
  });

  it('warn when there is no preheader: no summary and no paragraph to take one from', async () => {
    const body =
      '| Side | Seats |\n| --- | --- |\n| Government | 15 |\n\n- talks resumed\n- no agreement\n';
    const { root, file } = await storyWithUpdate(body);
    expect(await checkProblems(root)).toEqual([
      `${file}:1:1: warning: Missing preheader, expected a \`summary:\` in the front matter or a first paragraph to take it from [preheader-missing]`,
    ]);
    const summarised = await storyWithUpdate(body, 'summary: Seats at the table.');
    expect(await checkProblems(summarised.root)).toEqual([]);
  });

  it('warn about an image without alt text in a template', async () => {
    const root = await sampleFixture();
    const header = path.join(root, 'templates/partials/header.mjml');
    const text = (await readFile(header, 'utf8')).replace(
      '</mj-column>',
      `<mj-image src="${siteUrl}images/geneva-ii-talks.png" width="120px" />\n  </mj-column>`,
    );
    await writeFile(header, text);
    expect(await checkProblems(root)).toEqual([
      `templates/partials/header.mjml:${positionOf(text, '<mj-image')}: warning: Unexpected image without alt text in the template, expected \`alt="…"\` describing it [image-alt]`,
    ]);
  });

  it('warn about http: links and images, in updates, the story and templates', async () => {
    const body =
      'See [the plan](http://example.com/plan), ![a chart](http://example.com/chart.png) and [the safe one](https://example.com/plan).\n';
    const { root, file, text } = await storyWithUpdate(body);
    const story = storyMd.replace(
      'published: 2014-01-22\n',
      'published: 2014-01-22\nimage:\n  src: http://example.com/photo.png\n  alt: The delegations\n',
    );
    await writeFile(path.join(root, 'story.md'), story);
    const reason = (what: string) =>
      `Unexpected \`http:\` ${what} URL, expected \`https:\`; mail clients warn about or block insecure addresses [insecure-url]`;
    expect(await checkProblems(root)).toEqual([
      `story.md:${positionOf(story, 'src: http')}: warning: ${reason('image')}`,
      `${file}:${positionOf(text, '[the plan]')}: warning: ${reason('link')}`,
      `${file}:${positionOf(text, '![a chart]')}: warning: ${reason('image')}`,
    ]);
  });

  it('warn about relative URLs that leave siteUrl or have no file to publish', async () => {
    const body =
      'Read [the about page](/about/), [the minutes](docs/minutes.pdf), [the other site](//elsewhere.example/x) and [the chart](images/chart.png).\n';
    const { root, file, text } = await storyWithUpdate(body);
    expect(await checkProblems(root)).toEqual([
      `${file}:${positionOf(text, '[the about page]')}: warning: Unexpected relative link URL \`/about/\` that leaves siteUrl (${siteUrl}), expected a path inside the archive or an absolute \`https:\` URL [relative-url]`,
      `${file}:${positionOf(text, '[the minutes]')}: warning: Unexpected relative link URL \`docs/minutes.pdf\` with no file at docs/minutes.pdf, expected a file the archive publishes under ${siteUrl} [relative-url]`,
      `${file}:${positionOf(text, '[the other site]')}: warning: Unexpected relative link URL \`//elsewhere.example/x\` that leaves siteUrl (${siteUrl}), expected a path inside the archive or an absolute \`https:\` URL [relative-url]`,
    ]);
  });

  it('warn about a link without text', async () => {
    const body =
      'The talks resumed ([](https://example.org/syria-talks/)), said [the UN](https://un.org/).\n';
    const { root, file, text } = await storyWithUpdate(body);
    expect(await checkProblems(root)).toEqual([
      `${file}:${positionOf(text, '[](')}: warning: Unexpected link without text, expected words that say where it goes: \`[the plan](https://…)\` [link-text]`,
    ]);
  });
});

describe('--strict', () => {
  const env = { STORYLINE_NOW: defaultNow.toISOString() };

  it('makes build fail on lint warnings and write nothing; without it build warns and writes', async () => {
    const { root, file, text } = await storyWithUpdate(
      'See [the plan](http://example.com/plan).\n',
    );
    const problem = `${file}:${positionOf(text, '[the plan]')}: Unexpected \`http:\` link URL, expected \`https:\`; mail clients warn about or block insecure addresses [insecure-url]`;
    const out = path.join(root, 'out');

    const strict = await runCli(['build', '--strict'], { cwd: root, env });
    expect(strict.code).toBe(1);
    expect(strict.stdout).toBe('');
    expect(strict.stderr).toMatch(/\n1 errors?: nothing was written\n$/);
    expect(strict.stderr.split('\n')[0]).toBe(problem);
    expect(strict.stderr.split('\n')).toHaveLength(3);
    expect(existsSync(out)).toBe(false);

    const lenient = await runCli(['build'], { cwd: root, env });
    expect(lenient.code).toBe(0);
    expect(lenient.stderr).toBe(`${problem.replace(': Unexpected', ': warning: Unexpected')}\n`);
    expect(existsSync(path.join(out, '2014-02-10-talks', 'email.html'))).toBe(true);
  });

  it('makes check fail on lint warnings', async () => {
    const { root } = await storyWithUpdate('See [the plan](http://example.com/plan).\n');
    expect((await runCli(['check'], { cwd: root, env })).code).toBe(0);
    const strict = await runCli(['check', '--strict'], { cwd: root, env });
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(
      /^updates\/2014-02-10-talks\.md:\d+:\d+: Unexpected `http:` link URL/,
    );
  });
});
