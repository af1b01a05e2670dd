import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/diagnostics/formatProblem.js';
import { checkProject as check } from '../../src/usecases/checkProject.js';
import { sampleFixture } from '../helpers/fixture.js';
import { defaultNow } from '../helpers/problems.js';
import { positionOf } from '../helpers/render.js';

async function checked(root: string) {
  const result = await check({ root, now: defaultNow });
  return {
    problems: result.problems.map((problem) => formatProblem(problem, root)),
    counts: result.clientSupport,
    html: result.pending?.html ?? '',
  };
}

/** Replace `from` with `to` in a template file of the sample; its new text. */
async function edit(root: string, name: string, from: string, to: string): Promise<string> {
  const file = path.join(root, 'templates', name);
  const before = await readFile(file, 'utf8');
  if (!before.includes(from)) throw new Error(`\`${from}\` is not in ${name}`);
  const text = before.replace(from, to);
  await writeFile(file, text);
  return text;
}

async function setClients(root: string, clients: string[]): Promise<void> {
  const file = path.join(root, 'storyline.config.json');
  const config = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  await writeFile(file, JSON.stringify({ ...config, clients }, null, 2));
}

const unsupported = (feature: string, clients: string, url: string, one = true) =>
  `Unexpected \`${feature}\`, not supported by ${clients}; expected what every client in \`clients\` supports (https://www.caniemail.com/features/${url}/): use another way, or accept that ${one ? 'this client ignores' : 'these clients ignore'} it [client-support]`;

describe('client compatibility from caniemail, offline', () => {
  it("reports nothing for the shipped template: every feature found is one of mjml's fallbacks", async () => {
    const { problems, counts } = await checked(await sampleFixture());
    console.log(`shipped template, default clients: ${JSON.stringify(counts)}`);
    expect(problems).toEqual([]);
    expect(counts?.found).toBeGreaterThan(0);
    expect(counts).toEqual({ found: counts?.found, filtered: counts?.found, reported: 0 });
  });

  it('warns at the mj-style line of display:flex, not supported by Outlook for Windows', async () => {
    const root = await sampleFixture();
    const text = await edit(
      root,
      'partials/styles.mjml',
      '  .sl-earlier p { margin: 0; }',
      '  .sl-earlier p { margin: 0; }\n  .sl-byline p { display: flex; }',
    );
    const { problems, counts } = await checked(root);
    expect(problems).toEqual([
      `templates/partials/styles.mjml:${positionOf(text, 'display: flex')}: warning: ${unsupported('display:flex', 'Outlook (Windows)', 'css-display-flex')}`,
    ]);
    expect(counts?.reported).toBe(1);
  });

  it('warns at the mj-* attribute that mjml writes as an unsupported style', async () => {
    const root = await sampleFixture();
    const text = await edit(
      root,
      'partials/header.mjml',
      '<mj-section css-class="sl-section sl-header"',
      '<mj-section css-class="sl-section sl-header" border-radius="8px"',
    );
    const main = await readFile(path.join(root, 'templates/email.mjml'), 'utf8');
    const { problems, html } = await checked(root);
    const line = positionOf(html, 'overflow:hidden').split(':')[0];
    expect(problems).toEqual([
      // mjml clips the rounded corners with `overflow:hidden`: not in the template, so at its <mj-body>.
      `templates/email.mjml:${positionOf(main, '<mj-body')}: warning: ${unsupported('overflow', 'Outlook (Windows)', 'css-overflow').replace('`overflow`', `\`overflow\` in the rendered HTML (line ${line}, written by storyline or mjml, not this template)`)}`,
      `templates/partials/header.mjml:${positionOf(text, 'border-radius=')}: warning: ${unsupported('border-radius', 'Outlook (Windows)', 'css-border-radius')}`,
    ]);
  });

  it('checks only the clients listed in the config', async () => {
    const root = await sampleFixture();
    const text = await edit(
      root,
      'partials/styles.mjml',
      '  .sl-earlier p { margin: 0; }',
      '  .sl-earlier p { margin: 0; }\n  .sl-byline p { display: flex; }',
    );
    await setClients(root, ['apple-mail.macos', 'gmail.desktop-webmail']);
    expect((await checked(root)).problems).toEqual([]);
    await setClients(root, ['outlook.windows', 'outlook.windows-mail']);
    expect((await checked(root)).problems).toEqual([
      `templates/partials/styles.mjml:${positionOf(text, 'display: flex')}: warning: ${unsupported('display:flex', 'Outlook (Windows), Outlook (Windows Mail)', 'css-display-flex', false)}`,
    ]);
  });
});
