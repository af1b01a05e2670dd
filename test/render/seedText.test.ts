import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Link, Root } from 'mdast';
import { toString as mdastToString } from 'mdast-util-to-string';
import { visit } from 'unist-util-visit';
import { describe, expect, it } from 'vitest';
import { editionUrl } from '../../src/render/editionLinks.js';
import { personalise } from '../../src/render/personalise.js';
import { sampleFixture } from '../helpers/fixture.js';
import { flat, renderPending } from '../helpers/render.js';
import { repoRoot } from '../helpers/runCli.js';

/** A copy of ../shared/seed/000_31b6f4925f6b235b.txt, the edition this project grew from. */
const seedPath = path.join(repoRoot, 'test/fixtures/seed.txt');
const sampleEditionId = '2014-02-10-second-round-geneva';

/** Blank-line separated blocks, whitespace inside each collapsed (wrapping is not content). */
function paragraphs(text: string): string[] {
  return text
    .split(/\n\s*\n/)
    .map(flat)
    .filter(Boolean);
}

/** The headline's `===` underline is decoration the seed does not have. */
function withoutUnderlines(text: string): string {
  return text.replace(/^=+$/gm, '');
}

function links(body: Root): Link[] {
  const found: Link[] = [];
  visit(body, 'link', (node) => {
    found.push(node);
  });
  return found;
}

async function renderSample() {
  const result = await renderPending(await sampleFixture());
  expect(result.edition.id).toBe(sampleEditionId);
  return result;
}

/** A line over 72 columns is only allowed when nothing could be wrapped: one long word (a URL). */
function overlongLines(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.length > 72)
    .filter((line) => /\s/.test(line.replace(/^\[\d+\] /, '')));
}

describe('the plain text of the sample edition', () => {
  it('carries every paragraph of the seed word for word and in order, adding only a header, a footer and link markers', async () => {
    const { rendered, project } = await renderSample();
    const seed = paragraphs(await readFile(seedPath, 'utf8'));
    const blocks = paragraphs(withoutUnderlines(rendered.text));

    const start = blocks.indexOf(seed[0] ?? '');
    const footerAt = blocks.findIndex((block) => block.startsWith('Links:'));
    expect(start).toBeGreaterThan(0);
    expect(footerAt).toBeGreaterThan(start);

    const body = blocks.slice(start, footerAt);
    expect(body.map((block) => block.replace(/ \[\d+\]/g, ''))).toEqual(seed);

    expect(blocks.slice(0, start)).toEqual([
      `${project.config.publication} View it in your browser: ${editionUrl(project.config.siteUrl, sampleEditionId)}`,
    ]);
    const footer = blocks.slice(footerAt).join('\n');
    expect(footer).toContain(rendered.markers.unsubscribe_url);
    expect(footer).toContain(project.config.postalAddress);
  });

  it('numbers the links in reading order and lists their URLs at the end', async () => {
    const { rendered, story } = await renderSample();
    const [update] = story.updates;
    if (!update) throw new Error('the sample has an update');
    // The update comes before the base story, so its link is [1].
    const inOrder = [...links(update.body), ...links(story.base.body)];
    expect(inOrder).toHaveLength(2);

    const text = flat(rendered.text);
    inOrder.forEach((link, index) => {
      expect(text).toContain(`${mdastToString(link)} [${index + 1}]`);
    });
    const listed = rendered.text.split('\nLinks:\n')[1]?.split('\n\n')[0]?.split('\n');
    expect(listed).toEqual(inOrder.map((link, index) => `[${index + 1}] ${link.url}`));
  });

  it('wraps every line at 72 columns, leaving only unbreakable URLs longer', async () => {
    const { rendered, project } = await renderSample();
    expect(rendered.text.split('\n').some((line) => line.length > 60)).toBe(true);
    expect(overlongLines(rendered.text)).toEqual([]);

    // What a subscriber gets: a real unsubscribe URL carries a long token.
    const token = 'Jq7cTg2mB4x9Lr0sVw3yZ8aPdK5eHn1oUf6iQb2GkXc';
    const { text } = personalise(rendered, {
      unsubscribeUrl: `${project.config.unsubscribe.url}?token=${token}`,
      name: 'reader',
    });
    expect(text).toContain(token);
    expect(overlongLines(text)).toEqual([]);
  });
});
