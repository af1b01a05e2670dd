import type { VFile } from 'vfile';
import { reportProblem } from '../diagnostics/reportProblem.js';

/**
 * How deep block quotes, list items, emphasis and links may nest. Journalism
 * rarely goes past three or four levels; the parser and the tree walks after
 * it recurse once per level, and 2,000 `>` overflow the stack.
 */
export const maxNestingDepth = 32;
/** Columns in one table: wider tables do not fit any screen, let alone an email. */
export const maxTableColumns = 64;
/** Cells in all tables of one file: the GFM table parser costs ~30 µs and ~8 KB a cell. */
export const maxTableCells = 10_000;
/**
 * Emphasis and link openers left open at once in one paragraph. Resolving
 * them costs the parser time quadratic in their number (5,000 nested take
 * 2 s, 10,000 take 7 s), so a generous multiple of the depth limit is refused
 * before parsing; the exact depth is checked on the tree (`checkTreeDepth`).
 */
export const maxOpenInline = 4 * maxNestingDepth;

// Sticky, so a long line is matched in place rather than sliced again and again.
const listMarker = /(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$)/y;
const thematicBreak = /([-*_])(?:[ \t]*\1){2,}[ \t]*$/y;
const fenceOpen = /`{3,}|~{3,}/y;
const delimiterRow = /^\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/;

interface Table {
  line: number;
  column: number;
  columns: number;
  rows: number;
}

/**
 * A linear scan of the markdown source, before it is parsed, for input that
 * would make parsing or rendering crash or take minutes: containers nested
 * past `maxNestingDepth`, tables past `maxTableColumns` or `maxTableCells`,
 * and runs of unclosed emphasis. Each is reported at its place; returns false
 * when the file must not be parsed. Front matter and fenced code are skipped.
 * The count is an estimate from line prefixes (lazy continuation lines can
 * only lower it), so the tree is checked again after parsing.
 */
export function scanMarkdownLimits(file: VFile): boolean {
  const lines = String(file.value).split(/\r\n|\r|\n/);
  let ok = true;
  let index = skipFrontMatter(lines);
  let fence: string | undefined;
  /** Content columns of the list items open on earlier lines. */
  const listStack: number[] = [];
  let cells = 0;
  let table: Table | undefined;
  let openInline = 0;
  let previousBlank = true;

  const endTable = () => {
    if (!table) return;
    const tableCells = table.rows * table.columns;
    const place = { line: table.line, column: table.column };
    const size = `${table.rows} rows and ${table.columns} columns`;
    if (table.columns > maxTableColumns) {
      reportProblem(
        file,
        `Unexpected table of ${size}, expected at most ${maxTableColumns} columns; split it or link to the data instead`,
        place,
        'table-size',
      );
      ok = false;
    } else if (cells <= maxTableCells && cells + tableCells > maxTableCells) {
      reportProblem(
        file,
        `Unexpected table of ${size} (${cells + tableCells} cells in this file's tables), expected at most ${maxTableCells} cells in a file; split it or link to the data instead`,
        place,
        'table-size',
      );
      ok = false;
    }
    cells += tableCells;
    table = undefined;
  };

  for (; index < lines.length; index++) {
    const line = lines[index] as string;
    const lineNumber = index + 1;
    const quoteless = line.replace(/^(?:[ \t]*>)*[ \t]*/, '');
    if (fence !== undefined) {
      if (quoteless.startsWith(fence) && quoteless.slice(fence.length).trim() === '') {
        fence = undefined;
      }
      continue;
    }
    const blank = quoteless.trim() === '';
    if (blank) {
      endTable();
      openInline = 0;
      previousBlank = true;
      continue;
    }

    if (table) {
      table.rows++;
    } else if (!previousBlank && delimiterRow.test(quoteless) && quoteless.includes('|')) {
      const previous = lines[index - 1] as string;
      table = {
        line: lineNumber - 1,
        column: previous.length - previous.trimStart().length + 1,
        columns: (quoteless.match(/-+/g) ?? []).length,
        rows: 2,
      };
    }
    previousBlank = false;

    // The container prefix: `>` and list markers, with the columns they open.
    let position = 0;
    let column = 0;
    let quotes = 0;
    let popped = false;
    const lastOther = lastIndexNotIn(line, '-*_ \t');
    const skipSpace = () => {
      while (position < line.length) {
        const char = line[position];
        if (char === ' ') column++;
        else if (char === '\t') column += 4 - (column % 4);
        else break;
        position++;
      }
    };
    const tooDeep = (kind: string): boolean => {
      const depth = quotes + listStack.length;
      if (depth <= maxNestingDepth) return false;
      reportProblem(
        file,
        `Unexpected ${kind} nested ${depth - 1 + prefixDepth(line, position)} deep, expected at most ${maxNestingDepth}; flatten it`,
        { line: lineNumber, column: position + 1 },
        'nesting-depth',
      );
      return true;
    };
    for (;;) {
      skipSpace();
      if (!popped && line[position] !== '>') {
        // Items whose content starts right of this line's text have ended.
        while (listStack.length > 0 && (listStack[listStack.length - 1] as number) > column) {
          listStack.pop();
        }
        popped = true;
      }
      if (line[position] === '>') {
        quotes++;
        if (tooDeep('block quote')) return false;
        position++;
        column++;
        continue;
      }
      const marker = matchAt(listMarker, line, position);
      if (marker !== undefined && !isThematicBreak(line, position, lastOther)) {
        listStack.push(column + marker.length + 1);
        if (tooDeep('list item')) return false;
        position += marker.length;
        column += marker.length;
        continue;
      }
      fence = matchAt(fenceOpen, line, position);
      break;
    }
    if (fence !== undefined) continue;

    const inline = countOpenInline(line, position, openInline);
    openInline = inline.open;
    if (inline.peak > maxOpenInline) {
      reportProblem(
        file,
        `Unexpected ${inline.peak} emphasis and link openers open at once in one paragraph, expected at most ${maxOpenInline}; close them or remove the extra \`*\`, \`_\`, \`~\` and \`[\``,
        { line: lineNumber, column: position + 1 },
        'nesting-depth',
      );
      return false;
    }
  }
  endTable();
  return ok;
}

/** Lines taken by a front matter block at the top, so the scan starts after it. */
function skipFrontMatter(lines: readonly string[]): number {
  if (!/^---[ \t]*$/.test(lines[0] ?? '')) return 0;
  for (let index = 1; index < lines.length; index++) {
    if (/^---[ \t]*$/.test(lines[index] as string)) return index + 1;
  }
  return 0;
}

/** How many `>` and list markers a line holds from `from` on, for the message. */
function prefixDepth(line: string, from: number): number {
  const lastOther = lastIndexNotIn(line, '-*_ \t');
  let depth = 0;
  let position = from;
  for (;;) {
    while (line[position] === ' ' || line[position] === '\t') position++;
    if (line[position] === '>') {
      position++;
    } else {
      const marker = matchAt(listMarker, line, position);
      if (marker === undefined || isThematicBreak(line, position, lastOther)) return depth;
      position += marker.length;
    }
    depth++;
  }
}

/**
 * Whether the rest of the line is a thematic break (`* * *`), whose
 * characters are not list markers. Only a rest made of nothing but `-`, `*`,
 * `_` and blanks can be one, which keeps a line of 10,000 `- ` linear.
 */
function isThematicBreak(line: string, position: number, lastOther: number): boolean {
  return position > lastOther && matchAt(thematicBreak, line, position) !== undefined;
}

function lastIndexNotIn(line: string, characters: string): number {
  let index = line.length - 1;
  while (index >= 0 && characters.includes(line[index] as string)) index--;
  return index;
}

/** What a sticky pattern matches at `position`, or `undefined`. */
function matchAt(pattern: RegExp, line: string, position: number): string | undefined {
  pattern.lastIndex = position;
  return pattern.exec(line)?.[0];
}

/**
 * Emphasis and link openers still open after this line: a `*`, `_` or `~`
 * run after a space and before a letter opens, one before a space closes;
 * `[` opens and `]` closes. An estimate, generous on purpose.
 */
function countOpenInline(line: string, from: number, open: number): { open: number; peak: number } {
  let count = open;
  let peak = open;
  for (let index = from; index < line.length; index++) {
    const char = line[index];
    if (char === '[') peak = Math.max(peak, ++count);
    else if (char === ']') count = Math.max(0, count - 1);
    else if (char === '*' || char === '_' || char === '~') {
      let end = index;
      while (line[end] === char) end++;
      const before = index === from ? ' ' : (line[index - 1] as string);
      const after = end === line.length ? ' ' : (line[end] as string);
      const spaceBefore = /\s/.test(before);
      const spaceAfter = /\s/.test(after);
      if (spaceBefore && !spaceAfter) {
        count += end - index;
        peak = Math.max(peak, count);
      } else if (!spaceBefore && spaceAfter) count = Math.max(0, count - (end - index));
      index = end - 1;
    }
  }
  return { open: count, peak };
}
