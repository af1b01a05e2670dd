import { cp, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture } from '../helpers/fixture.js';
import { renderPending, visibleText } from '../helpers/render.js';
import { repoRoot } from '../helpers/runCli.js';

async function copyOf(name: string): Promise<string> {
  const root = await fixture({});
  await cp(path.join(repoRoot, 'test/fixtures', name), root, { recursive: true });
  return root;
}

const arabicDate = (day: number) =>
  new Intl.DateTimeFormat('ar', { timeZone: 'UTC' }).format(Date.UTC(2014, 1, day));

describe('an edition in the language of its locale', () => {
  it('writes an Arabic email right to left, in Arabic words, on <html> and on its wrappers', async () => {
    const { rendered } = await renderPending(await copyOf('arabic-story'));
    const { html, text } = rendered;
    expect(html).toMatch(/<html lang="ar" dir="rtl"/);
    // mj-body's wrapper, which Gmail keeps when it drops <html> and <body>.
    expect(html).toMatch(
      /<div aria-label="[^"]*" aria-roledescription="email" role="article" lang="ar" dir="rtl"/,
    );
    expect(html).toContain('<div dir="rtl" lang="ar" class="sl-rtl">');
    expect(html).not.toContain('direction:ltr');
    // Lists and quotes mirrored, table cells aligned right, by the template's `.sl-rtl` rules.
    expect(html).toMatch(/<ul style="[^"]*padding: 0 24px 0 0;/);
    expect(html).toMatch(/<blockquote style="[^"]*border-right: 3px solid #d8d4cc;/);
    expect(html).toMatch(/<td style="[^"]*text-align: right;/);

    const seen = visibleText(html);
    for (const english of [
      'Update',
      'Earlier updates',
      'View in your browser',
      'Unsubscribe',
      'You are receiving',
    ])
      expect(seen).not.toContain(english);
    expect(seen).toContain('إلغاء الاشتراك');
    expect(html).toContain(`تحديث <span dir="auto">${arabicDate(11)}</span>:`);

    // The text part: isolates around the date, the catalog's words.
    expect(text.split('\n')).toContain(`تحديث \u2068${arabicDate(11)}\u2069:`);
    expect(text).toContain('\nإلغاء الاشتراك:\n');
    expect(text).toContain('اعرض الرسالة في متصفحك:');
  });

  it('gives an update in another language its own lang and dir, and leaves the rest alone', async () => {
    const { rendered } = await renderPending(await copyOf('hebrew-update'));
    const { html, text } = rendered;
    expect(html).toMatch(/<html lang="en-US" dir="ltr"/);
    expect(html).toContain(
      '<div dir="rtl" lang="he" class="sl-rtl"><p style="margin: 0 0 16px;">השיחות',
    );
    expect(html.match(/<div dir=/g)).toHaveLength(1);
    expect(html).toContain('Update <span dir="auto">2/10/2014</span>:');
    expect(text).not.toMatch(/[\u2066-\u2069]/);
    expect(text.split('\n')).toContain('Update 2/10/2014:');
  });

  it("takes words from the catalog of a region's language, with config labels on top", async () => {
    const root = await copyOf('hebrew-update');
    await writeFile(
      path.join(root, 'storyline.config.json'),
      '{ "locale": "fr-CH", "labels": { "update": "Nouveau" } }\n',
    );
    const { rendered } = await renderPending(root);
    expect(rendered.html).toMatch(/<html lang="fr-CH" dir="ltr"/);
    expect(rendered.html).toContain('Nouveau <span dir="auto">10.02.2014</span>:');
    expect(visibleText(rendered.html)).toContain('Voir dans le navigateur · Se désabonner');
    expect(rendered.text).toContain('Se désabonner:\n');
  });
});
