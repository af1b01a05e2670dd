import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildEditions as build } from '../../src/usecases/buildEditions.js';
import { sampleFixture } from '../helpers/fixture.js';
import { defaultNow } from '../helpers/problems.js';
import { visibleText } from '../helpers/render.js';

const editionId = '2014-02-10-second-round-geneva';

async function buildHtml(root: string): Promise<string> {
  const out = path.join(root, 'out');
  const result = await build({ root, out, edition: 'pending', strict: true, now: defaultNow });
  expect(result.status).toBe('built');
  return readFile(path.join(out, editionId, 'email.html'), 'utf8');
}

async function edit(file: string, change: (text: string) => string): Promise<void> {
  const text = await readFile(file, 'utf8');
  const changed = change(text);
  expect(changed).not.toBe(text);
  await writeFile(file, changed);
}

describe('restyling the email', () => {
  it('takes colours, fonts and the masthead from the templates, with no change to the code', async () => {
    const root = await sampleFixture();
    const styles = path.join(root, 'templates/partials/styles.mjml');
    const linkColour = /\ba \{ color: (#[0-9a-f]{6})/i.exec(await readFile(styles, 'utf8'))?.[1];
    if (!linkColour) throw new Error('styles.mjml sets no link colour');
    const before = await buildHtml(root);
    expect(before.toLowerCase()).toContain(linkColour.toLowerCase());

    const newColour = '#0b6e4f';
    await edit(styles, (text) =>
      text.replaceAll(linkColour, newColour).replaceAll('Georgia,', 'Palatino,'),
    );
    await edit(path.join(root, 'templates/partials/header.mjml'), (text) =>
      text.replace(
        '</mj-column>',
        '<mj-text mj-class="sl-masthead" css-class="sl-tagline"><p>Dispatches from the Geneva II talks</p></mj-text>\n  </mj-column>',
      ),
    );
    const after = await buildHtml(root);

    expect(after.toLowerCase()).not.toContain(linkColour.toLowerCase());
    // Links in the story carry the new colour, inlined where mail clients need it.
    expect(after).toMatch(
      new RegExp(`<a href="https://www\\.opcw\\.org/[^"]*" style="[^"]*color: ${newColour}`),
    );
    expect(after).toContain('font-family:Palatino,');
    expect(after).not.toContain('Georgia,');
    expect(after).toMatch(/class="sl-tagline"/);
    expect(visibleText(after)).toContain('The Syria Brief Dispatches from the Geneva II talks');
  });
});
