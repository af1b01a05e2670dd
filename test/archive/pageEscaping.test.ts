import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Element, Root, Text } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import { visit } from 'unist-util-visit';
import { describe, expect, it } from 'vitest';
import { fixture, updateMd } from '../helpers/fixture.js';
import { publishOk } from '../helpers/publish.js';

const hostile = `</script><script>alert(1)</script> & "quoted" <b>bold</b>`;

function elements(tree: Root, tagName: string): Element[] {
  const found: Element[] = [];
  visit(tree, 'element', (node: Element) => {
    if (node.tagName === tagName) found.push(node);
  });
  return found;
}

function textOf(node: Element): string {
  let text = '';
  visit(node, 'text', (child: Text) => {
    text += child.value;
  });
  return text;
}

describe('archive pages built as trees', () => {
  it('keeps markup a writer typed in a title, dek, byline or headline as text', async () => {
    const root = await fixture({
      'story.md': `---
title: 'Talks ${hostile}'
published: 2014-01-22
dek: 'Dek ${hostile}'
byline: 'Byline ${hostile}'
---

The talks opened today.
`,
      'subscribers.csv': 'email\nreader@example.org\n',
      'updates/2014-02-01-first.md': updateMd(`date: 2014-02-01\nheadline: 'Headline ${hostile}'`),
    });
    await publishOk(root);
    for (const page of ['archive/index.html', 'archive/2014-02-01-first/index.html']) {
      // Read as a browser would: what became elements, what stayed text.
      const tree = fromHtml(await readFile(path.join(root, page), 'utf8'));
      const scripts = elements(tree, 'script');
      expect(
        scripts.map((s) => s.properties.type),
        page,
      ).toEqual(['application/ld+json']);
      expect(elements(tree, 'b'), page).toEqual([]);
      const [script] = scripts;
      if (!script) throw new Error('no JSON-LD');
      expect(JSON.parse(textOf(script)).headline, page).toBe(`Headline ${hostile}`);
      expect(elements(tree, 'h1').map(textOf), page).toEqual([`Headline ${hostile}`]);
    }
    const living = fromHtml(await readFile(path.join(root, 'archive/index.html'), 'utf8'));
    expect(elements(living, 'title').map(textOf)).toEqual([`Headline ${hostile} · Storyline`]);
    expect(
      elements(living, 'meta').find((m) => m.properties.name === 'description')?.properties.content,
    ).toBe(`Dek ${hostile}`);
    expect(elements(living, 'p').map(textOf)).toEqual(
      expect.arrayContaining([`Dek ${hostile}`, `Byline ${hostile}`, `Headline ${hostile}`]),
    );
  });
});
