import stringWidth from 'string-width';
import { VFile } from 'vfile';
import { describe, expect, it } from 'vitest';
import { parseMarkdown } from '../../src/content/parseMarkdown.js';
import { mdastToText } from '../../src/render/mdastToText.js';
import { TextReferences } from '../../src/render/TextReferences.js';
import { sampleFixture, updateMd, writeFiles } from '../helpers/fixture.js';
import { renderPending } from '../helpers/render.js';

const siteUrl = 'https://example.org/syria-talks/';

function textOf(markdown: string): string {
  return mdastToText(parseMarkdown(new VFile(markdown)), {
    siteUrl,
    references: new TextReferences(),
  });
}

/** A Chinese paragraph as it is written: no spaces, sentences ended by full-width marks. */
const chinese =
  '叙利亚和平谈判第二轮今天在日内瓦开始，联合国特使卜拉希米分别会见了政府代表团和反对派代表团。'.repeat(
    4,
  );
/** Japanese with a Latin word and full-width punctuation. */
const japanese =
  'ジュネーブでシリア和平会議の第二回協議が始まり、国連のブラヒミ特使は政府側と反体制派の代表団とそれぞれ会談した。'.repeat(
    3,
  );
/** "é" as e + U+0301: two code units, one column (wrap-ansi composes it to NFC). */
const cafe = 'Cafe\u0301';
/** Thai "meeting": combining vowel and tone marks with no composed form, 9 code units in 6 columns. */
const thai = 'ที่ประชุม';

describe('the plain-text part measured in display columns', () => {
  it('underlines a Chinese headline as wide as it shows', async () => {
    const root = await sampleFixture();
    const headline = '日内瓦和谈第二轮开始';
    await writeFiles(root, {
      'updates/2014-02-12-second-round.md': updateMd(
        `date: 2014-02-12\nheadline: ${headline}`,
        '谈判今天开始。\n',
      ),
    });
    const { rendered } = await renderPending(root, { now: new Date('2014-03-01T12:00:00Z') });
    const lines = rendered.text.split('\n');
    const at = lines.indexOf(headline);
    expect(at).toBeGreaterThan(0);
    expect(lines[at + 1]).toBe('='.repeat(20));
  });

  it('underlines a heading with combining marks by its columns, not its code units', () => {
    const heading = `${cafe} talks ${thai}`;
    expect(textOf(`## ${heading}\n`)).toBe(`${heading.normalize()}\n${'-'.repeat(17)}`);
  });

  for (const [language, paragraph] of [
    ['Chinese', chinese],
    ['Japanese', japanese],
  ] as const) {
    it(`wraps a ${language} paragraph, written without spaces, at 72 display columns`, () => {
      const lines = textOf(`${paragraph}\n`).split('\n');
      expect(lines.length).toBeGreaterThan(2);
      for (const line of lines) {
        expect(stringWidth(line), line).toBeLessThanOrEqual(72);
        // Filled, not broken after every phrase: the last line may be short.
        if (line !== lines.at(-1)) expect(stringWidth(line), line).toBeGreaterThanOrEqual(68);
        // No line starts with a closing mark (kinsoku).
        expect(line).not.toMatch(/^[、。，]/);
      }
      expect(lines.join('')).toBe(paragraph);
    });
  }

  it('keeps a URL whole inside a CJK paragraph', () => {
    const url = `https://example.org/${'a'.repeat(80)}`;
    const lines = textOf(`${chinese.slice(0, 30)}${url}${chinese.slice(0, 30)}\n`).split('\n');
    expect(lines).toContain(url);
  });

  it('does not wrap a line with combining marks early', () => {
    // 70 columns in 91 code units.
    const paragraph = [...Array.from({ length: 6 }, () => `${cafe}s`), ...Array(5).fill(thai)].join(
      ' ',
    );
    expect(paragraph.length).toBeGreaterThan(72);
    expect(stringWidth(paragraph)).toBe(70);
    expect(textOf(`${paragraph}\n`)).toBe(paragraph.normalize());
  });

  it('lines up table columns under CJK cells', () => {
    const text = textOf(
      '| 城市 | Talks |\n|---|---|\n| 日内瓦 | Geneva |\n| Montreux | 蒙特勒 |\n',
    );
    const lines = text.split('\n');
    const bars = lines
      .filter((line) => line.includes('|'))
      .map((line) => stringWidth(line.slice(0, line.indexOf('|'))));
    expect(bars).toEqual([9, 9, 9]);
  });
});
