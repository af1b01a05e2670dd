import type { Root } from 'mdast';
import { toString as mdastToString } from 'mdast-util-to-string';

const maxPreheader = 150;

/**
 * The first sentence of the first paragraph, for a preheader. Uses
 * `Intl.Segmenter` so "Jan. 22" style abbreviations in most locales are not
 * taken for the end of a sentence; capped at 150 characters on a word.
 */
export function firstSentence(body: Root, locale: string): string {
  const paragraph = body.children.find((node) => node.type === 'paragraph');
  const text = paragraph ? mdastToString(paragraph).replace(/\s+/g, ' ').trim() : '';
  if (!text) return '';
  const segmenter = new Intl.Segmenter(locale, { granularity: 'sentence' });
  const first = segmenter.segment(text)[Symbol.iterator]().next().value?.segment.trim() ?? text;
  if (first.length <= maxPreheader) return first;
  const cut = first.lastIndexOf(' ', maxPreheader - 1);
  return `${first.slice(0, cut > 40 ? cut : maxPreheader - 1)}…`;
}
