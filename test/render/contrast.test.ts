import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/diagnostics/formatProblem.js';
import { contrastRatio, parseColour } from '../../src/render/parseColour.js';
import { checkProject as check } from '../../src/usecases/checkProject.js';
import { sampleFixture } from '../helpers/fixture.js';
import { defaultNow } from '../helpers/problems.js';
import { positionOf } from '../helpers/render.js';

async function checkProblems(root: string): Promise<string[]> {
  const result = await check({ root, now: defaultNow });
  return result.problems.map((problem) => formatProblem(problem, root));
}

/** Replace `from` with `to` in the sample's styles partial; its new text. */
async function restyle(root: string, from: string, to: string): Promise<string> {
  const file = path.join(root, 'templates/partials/styles.mjml');
  const before = await readFile(file, 'utf8');
  if (!before.includes(from)) throw new Error(`\`${from}\` is not in styles.mjml`);
  const text = before.replace(from, to);
  await writeFile(file, text);
  return text;
}

describe('template colour contrast', () => {
  it('measures WCAG contrast ratios', () => {
    const black = parseColour('#000');
    const white = parseColour('white');
    if (!black || !white) throw new Error('colours did not parse');
    expect(contrastRatio(black, white)).toBeCloseTo(21, 5);
    expect(contrastRatio(white, white)).toBe(1);
    expect(parseColour('rgb(119, 119, 119)')).toEqual({ r: 119, g: 119, b: 119 });
    expect(parseColour('inherit')).toBeUndefined();
  });

  it('passes the shipped template in light and dark mode', async () => {
    expect(await checkProblems(await sampleFixture())).toEqual([]);
  });

  it('warns at the line of a light body text colour below 4.5:1, naming both colours', async () => {
    const root = await sampleFixture();
    const text = await restyle(
      root,
      '<mj-text font-size="17px" line-height="1.6" color="#1f2328"',
      '<mj-text font-size="17px" line-height="1.6" color="#999999"',
    );
    expect(await checkProblems(root)).toEqual([
      `templates/partials/styles.mjml:${positionOf(text, 'color="#999999"')}: warning: Unexpected contrast of 2.52:1 between text \`#999999\` and background \`#f3f1ec\` (partials/footer.mjml:1) in light mode, expected at least 4.5:1 (WCAG AA for body text); make the text darker or the background lighter [color-contrast]`,
    ]);
  });

  it('lets large text pass at 3:1 but not below', async () => {
    const root = await sampleFixture();
    // The headline is 30px bold: #8a8a8a is 3.1:1 on the lightest of the page's backgrounds, enough for large text.
    await restyle(root, 'font-weight="700" color="#111111"', 'font-weight="700" color="#8a8a8a"');
    expect(await checkProblems(root)).toEqual([]);
    const text = await restyle(root, 'color="#8a8a8a"', 'color="#aaaaaa"');
    expect(await checkProblems(root)).toEqual([
      `templates/partials/styles.mjml:${positionOf(text, 'color="#aaaaaa"')}: warning: Unexpected contrast of 2.05:1 between text \`#aaaaaa\` and background \`#f3f1ec\` (partials/footer.mjml:1) in light mode, expected at least 3:1 (WCAG AA for large text); make the text darker or the background lighter [color-contrast]`,
    ]);
  });

  it('checks the dark-mode media query against its own backgrounds', async () => {
    const root = await sampleFixture();
    const text = await restyle(
      root,
      '.sl-footer div, .sl-footer p, .sl-footer a { color: #9d978d !important; }',
      '.sl-footer div, .sl-footer p, .sl-footer a { color: #5a5650 !important; }',
    );
    expect(await checkProblems(root)).toEqual([
      `templates/partials/styles.mjml:${positionOf(text, 'color: #5a5650')}: warning: Unexpected contrast of 1.87:1 between text \`#5a5650\` and background \`#2a2e33\` (line ${positionOf(text, '#2a2e33').split(':')[0]}) in dark mode, expected at least 4.5:1 (WCAG AA for body text); make the text lighter or the background darker [color-contrast]`,
    ]);
  });
});
