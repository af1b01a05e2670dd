import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planPendingEdition } from '../../src/edition/planEdition.js';
import { gmailClipBytes } from '../../src/render/lintEdition.js';
import { loadTemplate } from '../../src/render/loadTemplate.js';
import { personalise } from '../../src/render/personalise.js';
import { renderEdition } from '../../src/render/renderEdition.js';
import { sampleFixture, updateMd, writeFiles } from '../helpers/fixture.js';
import {
  flat,
  formatted,
  loadForRender,
  positionOf,
  renderPending,
  visibleText,
} from '../helpers/render.js';

const unsubscribeUrl = 'https://example.org/syria-talks/unsubscribe?token=t0k3n&list=syria';

/** The sample with its templates changed by `edit(file text) => new text`, per template path. */
async function sampleWithTemplates(
  edits: Record<string, (text: string) => string>,
): Promise<string> {
  const root = await sampleFixture();
  for (const [name, edit] of Object.entries(edits)) {
    const file = path.join(root, 'templates', name);
    await writeFile(file, edit(await readFile(file, 'utf8')));
  }
  return root;
}

/** Render the sample's pending edition with whatever templates the root holds. */
async function renderRoot(root: string) {
  const { project, story, template } = await loadForRender(root);
  const edition = planPendingEdition(story, project.sent, project.config);
  if (!edition || !template.template) throw new Error('nothing to render');
  return renderEdition(edition, template.template, project.config);
}

describe('the HTML of the sample edition', () => {
  it('is small enough that Gmail does not clip it', async () => {
    const { rendered } = await renderPending(await sampleFixture());
    const { html } = personalise(rendered, { unsubscribeUrl, name: 'reader' });
    expect(gmailClipBytes).toBe(102 * 1024);
    expect(Buffer.byteLength(html)).toBeLessThan(102 * 1024);
    expect(html).toMatch(/^<!doctype html>/i);
  });

  it('compiles at the strict validation level with no warnings', async () => {
    const root = await sampleFixture();
    const result = await renderRoot(root);
    expect(result.ok).toBe(true);
    const { lints } = await renderPending(root);
    expect(lints).toEqual([]);
  });
});

describe('a broken template', () => {
  it('fails with each illegal attribute at its template file and line, after {{content}} too', async () => {
    const root = await sampleWithTemplates({
      'partials/footer.mjml': (text) => text.replace('<mj-column>', '<mj-column bogus="1">'),
      'email.mjml': (text) =>
        text
          .replace(
            '<mj-head>',
            '<mj-head>\n    <mj-font nam="Serif" href="https://example.org/f.css" />',
          )
          .replace(
            '<mj-include path="./partials/footer.mjml" />',
            '<mj-include path="./partials/footer.mjml" />\n    <mj-section><mj-column><mj-text foo="bar">x</mj-text></mj-column></mj-section>',
          ),
    });
    const main = await readFile(path.join(root, 'templates/email.mjml'), 'utf8');
    const footer = await readFile(path.join(root, 'templates/partials/footer.mjml'), 'utf8');
    const lineOf = (text: string, needle: string) => positionOf(text, needle).split(':')[0];
    // The illegal attribute after {{content}} is below the whole story in the compiled MJML.
    expect(Number(lineOf(main, 'foo="bar"'))).toBeGreaterThan(Number(lineOf(main, '{{content}}')));

    const result = await renderRoot(root);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(formatted(result.files, root)).toEqual([
      `templates/email.mjml:${lineOf(main, 'nam="Serif"')}:1: Unexpected MJML in <mj-font>: Attribute nam is illegal [mjml]`,
      `templates/email.mjml:${lineOf(main, 'foo="bar"')}:1: Unexpected MJML in <mj-text>: Attribute foo is illegal [mjml]`,
      `templates/partials/footer.mjml:${lineOf(footer, 'bogus="1"')}:1: Unexpected MJML in <mj-column>: Attribute bogus is illegal [mjml]`,
    ]);
  });

  it('names an unknown slot and suggests the one meant', async () => {
    const root = await sampleWithTemplates({
      'partials/header.mjml': (text) => text.replace('>{{publication}}<', '>{{publcation}}<'),
    });
    const header = await readFile(path.join(root, 'templates/partials/header.mjml'), 'utf8');
    const { files } = await loadTemplate(root, { template: undefined });
    expect(formatted(files, root)).toEqual([
      `templates/partials/header.mjml:${positionOf(header, '{{publcation}}')}: Unexpected slot \`{{publcation}}\`, expected one of \`{{subject}}\`, \`{{preheader}}\`, \`{{publication}}\`, \`{{view_url}}\`, \`{{archive_url}}\`, \`{{postal_address}}\`, \`{{lang}}\`, \`{{dir}}\`, \`{{footer_note}}\`, \`{{view_in_browser}}\`, \`{{unsubscribe_label}}\`, \`{{unsubscribe_url}}\`, \`{{name}}\`, \`{{content}}\`; did you mean \`{{publication}}\`? [template-slot]`,
    ]);
  });

  it('names an mj-include whose file is missing, which mjml would drop silently', async () => {
    const root = await sampleWithTemplates({
      'email.mjml': (text) => text.replace('./partials/footer.mjml', './partials/foot.mjml'),
    });
    const main = await readFile(path.join(root, 'templates/email.mjml'), 'utf8');
    const { files } = await loadTemplate(root, { template: undefined });
    expect(formatted(files, root)).toEqual([
      `templates/email.mjml:${positionOf(main, '<mj-include path="./partials/foot.mjml"')}: Unexpected include of missing file \`./partials/foot.mjml\`, expected a file in templates/ [template-include]`,
    ]);
  });
});

describe("the writer's text in the email", () => {
  it('is escaped, and slots typed in it are not filled in', async () => {
    const typed = 'Tokens like {{unsubscribe_url}} and {{name}} stay as typed, & so does';
    const root = await sampleFixture();
    await writeFiles(root, {
      'updates/2014-02-12-escaping.md': updateMd(
        'date: 2014-02-12\nheadline: "Talks <script>alert(1)</script> & {{unsubscribe_url}}"\nsummary: "Both sides & {{name}} <b>agree</b>"',
        `${typed} \\<script>alert(1)\\</script>.\n\nInline \`<script>\` & \`{{name}}\` too.\n`,
      ),
    });
    const { rendered, template } = await renderPending(root);
    const name = 'Ada & <Lovelace>';
    const { html, text } = personalise(rendered, { unsubscribeUrl, name });

    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain('{{');
    const seen = visibleText(html);
    expect(seen).toContain(`${typed} <script>alert(1)</script>.`);
    expect(seen).toContain('Inline <script> & {{name}} too.');
    expect(seen).toContain('Talks <script>alert(1)</script> & {{unsubscribe_url}}');
    expect(seen).toContain('Both sides & {{name}} <b>agree</b>');
    expect(seen).not.toContain(name);
    const title = /<title>([^<]*)<\/title>/.exec(html)?.[1] ?? '';
    expect(visibleText(title)).toBe('Talks <script>alert(1)</script> & {{unsubscribe_url}}');
    // The unsubscribe URL goes only where the template asks for it.
    const slotsInTemplate = template.files
      .map((file) => String(file.value).split('{{unsubscribe_url}}').length - 1)
      .reduce((a, b) => a + b, 0);
    expect(slotsInTemplate).toBeGreaterThan(0);
    expect(html.split(unsubscribeUrl.replace('&', '&amp;')).length - 1).toBe(slotsInTemplate);

    expect(flat(text)).toContain(`${typed} <script>alert(1)</script>.`);
    expect(text).toContain('Talks <script>alert(1)</script> & {{unsubscribe_url}}');
    expect(text.split(unsubscribeUrl).length - 1).toBe(1);
  });

  it("inserts a subscriber's name as typed, even one that looks like a replacement pattern", async () => {
    const root = await sampleWithTemplates({
      'partials/header.mjml': (text) =>
        text.replace(
          '</mj-column>',
          '<mj-text mj-class="sl-masthead"><p>For {{name}}</p></mj-text>\n  </mj-column>',
        ),
    });
    const { rendered } = await renderPending(root);
    const name = "Jo $' Ann $& $$";
    const { html } = personalise(rendered, { unsubscribeUrl, name });
    expect(visibleText(html)).toContain(`For ${name}`);
  });
});

const featuresMd = `Paragraph with a [relative link](images/geneva-ii-talks.png), an [absolute one](https://example.com/a?b=1&c=2), a [reference link][ref], *emphasis*, **strong words** and \`inline code\`.

## A heading

- first bullet
- second bullet

1. first step
2. second step

> Quoted words from a delegate.

![A chart of delegations](images/chart.png)

---

| Side | Seats |
| --- | --- |
| Government | 15 |
| Opposition | 15 |

[ref]: docs/plan.pdf
`;

describe('markdown in an update', () => {
  async function renderFeatures() {
    const root = await sampleFixture();
    await writeFiles(root, {
      'updates/2014-02-12-features.md': updateMd('date: 2014-02-12', featuresMd),
    });
    const result = await renderPending(root);
    expect(result.edition.newUpdates[0]?.id).toBe('2014-02-12-features');
    return { ...result, siteUrl: result.project.config.siteUrl };
  }

  it('renders every block and inline kind as HTML, with relative URLs made absolute', async () => {
    const { rendered, siteUrl } = await renderFeatures();
    const { html } = rendered;
    expect(html).toMatch(
      new RegExp(
        `<a href="${siteUrl}images/geneva-ii-talks\\.png"[^>]*>relative link</a>`.replaceAll(
          '/',
          '\\/',
        ),
      ),
    );
    expect(html).toMatch(
      /<a href="https:\/\/example\.com\/a\?b=1&#x26;c=2"[^>]*>absolute one<\/a>/,
    );
    expect(html).toContain(`<a href="${siteUrl}docs/plan.pdf"`);
    expect(html).toMatch(/<em[^>]*>emphasis<\/em>/);
    expect(html).toMatch(/<strong[^>]*>strong words<\/strong>/);
    expect(html).toMatch(/<code[^>]*>inline code<\/code>/);
    expect(html).toMatch(/<h2[^>]*>A heading<\/h2>/);
    expect(html).toMatch(
      /<ul[^>]*>\s*<li[^>]*>first bullet<\/li>\s*<li[^>]*>second bullet<\/li>\s*<\/ul>/,
    );
    expect(html).toMatch(/<ol[^>]*>\s*<li[^>]*>first step<\/li>\s*<li[^>]*>second step<\/li>/);
    expect(html).toMatch(
      /<blockquote[^>]*>\s*<p[^>]*>Quoted words from a delegate\.<\/p>\s*<\/blockquote>/,
    );
    expect(html).toMatch(
      new RegExp(`<img src="${siteUrl}images/chart\\.png" alt="A chart of delegations"`),
    );
    expect(html).toMatch(/<hr[^>]*>/);
    expect(html).toMatch(/<table class="sl-table"[^>]*>/);
    expect(html).toMatch(/<th[^>]*>Side<\/th>\s*<th[^>]*>Seats<\/th>/);
    expect(html).toMatch(/<td[^>]*>Government<\/td>\s*<td[^>]*>15<\/td>/);
  });

  it('renders the same in the plain text, with links as numbered references', async () => {
    const { rendered, siteUrl } = await renderFeatures();
    const { text } = rendered;
    const refs = Object.fromEntries(
      [...text.matchAll(/^\[(\d+)\] (\S+)$/gm)].map((m) => [m[2], m[1]]),
    );
    const relative = refs[`${siteUrl}images/geneva-ii-talks.png`];
    const absolute = refs['https://example.com/a?b=1&c=2'];
    const reference = refs[`${siteUrl}docs/plan.pdf`];
    expect([relative, absolute, reference]).toEqual(['1', '2', '3']);
    expect(flat(text)).toContain(
      'Paragraph with a relative link [1], an absolute one [2], a reference link [3], emphasis, strong words and inline code.',
    );
    expect(text).toContain('\n\nA heading\n---------\n\n');
    expect(text).toContain('\n\n- first bullet\n- second bullet\n\n');
    expect(text).toContain('\n\n1. first step\n2. second step\n\n');
    expect(text).toContain('\n\n> Quoted words from a delegate.\n\n');
    expect(text).toContain('\n\n[Image: A chart of delegations]\n\n');
    expect(text).toContain('\n\n* * *\n\n');
    expect(text).toContain(
      '\n\nSide       | Seats\n-----------+------\nGovernment | 15\nOpposition | 15\n\n',
    );
  });
});
