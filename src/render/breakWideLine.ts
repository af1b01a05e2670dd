import stringWidth from 'string-width';

/** Characters a line must not start with (Japanese kinsoku, the common core): closing marks, small kana. */
const noBreakBefore = new Set(
  '、。，．,.:;?!)]}）］｝〕〉》」』】〙〗〟’”・：；？！ーぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ々〻',
);
/** Characters a line must not end with: opening marks. */
const noBreakAfter = new Set('([{（［｛〔〈《「『【〘〖〝‘“');

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * A line wider than `width` broken greedily where a reader of Chinese or
 * Japanese would break it: at spaces and between full-width (2-column)
 * characters, never before a closing mark or after an opening one. A run
 * with no such place (a URL, a long Latin word) is left whole. Widths are
 * display columns (string-width). Pure.
 */
export function breakWideLine(line: string, width: number): string[] {
  const pieces: string[] = [];
  let piece = '';
  let previous = '';
  for (const { segment } of graphemes.segment(line)) {
    const breakable =
      piece !== '' &&
      (previous === ' ' ||
        ((stringWidth(previous) === 2 || stringWidth(segment) === 2) &&
          segment !== ' ' &&
          !noBreakBefore.has(segment) &&
          !noBreakAfter.has(previous)));
    if (breakable) {
      pieces.push(piece);
      piece = '';
    }
    piece += segment;
    previous = segment;
  }
  if (piece !== '') pieces.push(piece);

  const lines: string[] = [];
  let current = '';
  for (const next of pieces) {
    if (current.trim() !== '' && stringWidth((current + next).trimEnd()) > width) {
      lines.push(current.trimEnd());
      current = next.trimStart();
    } else current += next;
  }
  lines.push(current.trimEnd());
  return lines;
}
