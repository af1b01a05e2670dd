import type { PhrasingContent, Root, RootContent, Table } from 'mdast';
import stringWidth from 'string-width';
import { visit } from 'unist-util-visit';
import wrapAnsi from 'wrap-ansi';
import { absoluteUrl } from './absoluteUrl.js';
import { breakWideLine } from './breakWideLine.js';
import type { TextReferences } from './TextReferences.js';

export const textWidth = 72;

export interface TextOptions {
  siteUrl: string;
  references: TextReferences;
  /** Columns to wrap at; nested blocks get less, so their indented lines still fit. */
  width?: number;
  /** `[text][id]` targets: the body's definitions, by identifier. */
  definitions?: ReadonlyMap<string, string>;
}

/**
 * Wrap a paragraph at 72 display columns (wrap-ansi measures with
 * string-width: a CJK character takes 2, a combining mark 0); long words
 * (URLs) are never broken. wrap-ansi breaks only at spaces, so a line of
 * Chinese or Japanese, written without them, is broken again between its
 * full-width characters.
 */
export function wrapText(text: string, width = textWidth): string {
  return wrapAnsi(text, width, { hard: false, trim: true, wordWrap: true })
    .split('\n')
    .flatMap((line) => (stringWidth(line) > width ? breakWideLine(line, width) : [line]))
    .join('\n');
}

/** A heading set apart: its text, underlined as wide as it shows. */
export function underline(text: string, char: '=' | '-', width = textWidth): string {
  const lines = wrapText(text, width).split('\n');
  const longest = Math.max(...lines.map((line) => stringWidth(line)));
  return `${lines.join('\n')}\n${char.repeat(Math.min(longest, width))}`;
}

/**
 * A markdown body as plain text, made from the mdast (not from HTML):
 * paragraphs wrapped at 72 columns, links as `text [n]` with the URL in the
 * references, headings underlined, lists and quotes indented. Blocks are
 * separated by a blank line. Pure apart from numbering references.
 */
export function mdastToText(body: Root, options: TextOptions): string {
  const definitions = new Map<string, string>();
  visit(body, 'definition', (node) => {
    // The first definition of an identifier wins, as in CommonMark.
    if (!definitions.has(node.identifier)) definitions.set(node.identifier, node.url);
  });
  return blocks(body.children, { ...options, definitions }).join('\n\n');
}

function blocks(nodes: readonly RootContent[], options: TextOptions): string[] {
  return nodes.map((node) => block(node, options)).filter((text) => text !== '');
}

function block(node: RootContent, options: TextOptions): string {
  const width = options.width ?? textWidth;
  switch (node.type) {
    case 'paragraph':
      return wrapText(inline(node.children, options), width);
    case 'heading':
      return underline(inline(node.children, options), node.depth === 1 ? '=' : '-', width);
    case 'blockquote':
      return prefixLines(blocks(node.children, narrower(options, 2)).join('\n\n'), '> ');
    case 'list':
      return node.children
        .map((item, index) => {
          const marker = node.ordered ? `${(node.start ?? 1) + index}. ` : '- ';
          const text = blocks(item.children, narrower(options, marker.length)).join('\n\n');
          const check = item.checked === true ? '[x] ' : item.checked === false ? '[ ] ' : '';
          return hangingIndent(`${check}${text}`, marker);
        })
        .join('\n');
    case 'code':
      return prefixLines(node.value, '    ');
    case 'thematicBreak':
      return '* * *';
    case 'table':
      return table(node, options);
    case 'footnoteDefinition':
      return wrapText(
        `[^${node.label ?? node.identifier}] ${blocks(node.children, options).join(' ')}`,
        width,
      );
    case 'html':
    case 'definition':
    case 'yaml':
      return '';
    default:
      return 'children' in node
        ? wrapText(inline(node.children as PhrasingContent[], options), width)
        : '';
  }
}

function narrower(options: TextOptions, by: number): TextOptions {
  return { ...options, width: Math.max(20, (options.width ?? textWidth) - by) };
}

function inline(nodes: readonly PhrasingContent[], options: TextOptions): string {
  return nodes
    .map((node) => {
      switch (node.type) {
        case 'text':
          return node.value;
        case 'inlineCode':
          return node.value;
        case 'break':
          return '\n';
        case 'link':
        case 'linkReference': {
          const text = inline(node.children, options);
          const target =
            node.type === 'link' ? node.url : options.definitions?.get(node.identifier);
          if (target === undefined) return text;
          const url = absoluteUrl(target, options.siteUrl);
          // An autolink already shows its address.
          if (text === target || text === url) return url;
          return `${text} [${options.references.number(url)}]`;
        }
        case 'image':
          return `[Image: ${node.alt ?? ''}]`;
        case 'imageReference':
          return `[Image: ${node.alt ?? ''}]`;
        case 'footnoteReference':
          return `[^${node.label ?? node.identifier}]`;
        case 'html':
          return '';
        default:
          return 'children' in node ? inline(node.children as PhrasingContent[], options) : '';
      }
    })
    .join('')
    .replace(/[ \t]+/g, ' ');
}

function table(node: Table, options: TextOptions): string {
  const rows = node.children.map((row) =>
    row.children.map((cell) => inline(cell.children, options).trim()),
  );
  const widths =
    rows[0]?.map((_, column) => Math.max(...rows.map((row) => stringWidth(row[column] ?? '')))) ??
    [];
  // Padded by display width, so columns line up under CJK cells too.
  const line = (row: string[]) =>
    row
      .map((cell, i) => cell + ' '.repeat(Math.max(0, (widths[i] ?? 0) - stringWidth(cell))))
      .join(' | ')
      .trimEnd();
  const [head, ...rest] = rows;
  if (!head) return '';
  return [line(head), widths.map((w) => '-'.repeat(w)).join('-+-'), ...rest.map(line)].join('\n');
}

function prefixLines(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => (line ? `${prefix}${line}` : prefix.trimEnd()))
    .join('\n');
}

function hangingIndent(text: string, marker: string): string {
  const pad = ' '.repeat(marker.length);
  return text
    .split('\n')
    .map((line, i) => (i === 0 ? `${marker}${line}` : line ? `${pad}${line}` : ''))
    .join('\n');
}
