import { toString as mdastToString } from 'mdast-util-to-string';
import type { Update } from '../content/Story.js';

const maxLength = 280;

/** A short form of an earlier update: its summary, else its first paragraph, cut on a word. Pure. */
export function summarizeUpdate(update: Update): string {
  if (update.summary) return update.summary;
  const paragraph = update.body.children.find((node) => node.type === 'paragraph');
  const text = paragraph ? mdastToString(paragraph).replace(/\s+/g, ' ').trim() : '';
  if (text.length <= maxLength) return text;
  const cut = text.lastIndexOf(' ', maxLength - 1);
  return `${text.slice(0, cut > 80 ? cut : maxLength - 1)}…`;
}
