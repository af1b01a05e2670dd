import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Root } from 'mdast';
import { toString as mdastToString } from 'mdast-util-to-string';
import { visit } from 'unist-util-visit';
import { describe, expect, it } from 'vitest';
import { loadStory } from '../../src/content/loadStory.js';
import { repoRoot } from '../helpers/runCli.js';

/** A copy of ../shared/seed/000_31b6f4925f6b235b.txt, the article this project grew from. */
const seedPath = path.join(repoRoot, 'test/fixtures/seed.txt');

/** Paragraphs of a text, whitespace inside each collapsed. */
function paragraphs(text: string): string[] {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s+/g, ' ').trim())
    .filter(Boolean);
}

function bodyParagraphs(body: Root): string[] {
  return body.children.map((node) => mdastToString(node).replace(/\s+/g, ' ').trim());
}

function links(body: Root): Record<string, string> {
  const found: Record<string, string> = {};
  visit(body, 'link', (node) => {
    found[mdastToString(node)] = node.url;
  });
  return found;
}

describe('the sample story', () => {
  it('gives back the seed, word for word, as credit, headline, dek, update, base story and byline', async () => {
    const seed = await readFile(seedPath, 'utf8');
    const { story, failed } = await loadStory(repoRoot, {
      timeZone: 'America/New_York',
      now: new Date(),
    });
    expect(failed).toBe(false);
    if (!story) throw new Error('sample did not load');
    const [update] = story.updates;
    expect(story.updates).toHaveLength(1);
    expect(update?.id).toBe('2014-02-10-second-round-geneva');
    expect(update?.date.day).toBe('2014-02-10');
    expect(story.base.published.day).toBe('2014-01-22');
    expect(story.base.byline).toBe('Ole Skaar');

    const rebuilt = [
      story.base.image?.credit,
      update?.headline,
      story.base.dek,
      'Update 2/10/2014:',
      ...bodyParagraphs(update?.body ?? { type: 'root', children: [] }),
      ...bodyParagraphs(story.base.body),
      story.base.byline,
    ];
    expect(rebuilt).toEqual(paragraphs(seed));
  });

  it('links the documents the seed mentions', async () => {
    const { story } = await loadStory(repoRoot, { timeZone: 'America/New_York', now: new Date() });
    expect(links(story?.base.body ?? { type: 'root', children: [] })).toEqual({
      pdf: 'https://www.un.org/News/dh/infocus/Syria/FinalCommuniqueActionGroupforSyria.pdf',
    });
    expect(links(story?.updates[0]?.body ?? { type: 'root', children: [] })).toEqual({
      here: 'https://www.opcw.org/media-centre/featured-topics/opcw-and-syria',
    });
  });
});
