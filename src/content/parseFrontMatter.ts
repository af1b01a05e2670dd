import type { Root, Yaml } from 'mdast';
import type { Position } from 'unist';
import type { VFile } from 'vfile';
import { location } from 'vfile-location';
import { isMap, isPair, isScalar, parseDocument, visit, type Node as YamlNode } from 'yaml';
import { codePointName, controlCharacterInText, printable } from '../diagnostics/printable.js';
import { reportProblem } from '../diagnostics/reportProblem.js';
import type { KeyPath, SourceLocator } from '../diagnostics/SourceLocator.js';

/** Front matter past this size is refused: it holds a few short fields. */
const maxFrontMatterChars = 16 * 1024;

export interface FrontMatter {
  /** The parsed mapping; `{}` when the block is empty or unusable. */
  data: Record<string, unknown>;
  locator: SourceLocator;
  /** Where the front matter block is (the `---` fences included). */
  position: Position;
}

/**
 * Find and parse the YAML front matter of a document. Syntax errors, aliases
 * and a non-mapping are reported on `file` and give `undefined`; a document
 * with no front matter at all gives `'absent'` (the caller knows what it needed).
 */
export function parseFrontMatter(file: VFile, tree: Root): FrontMatter | 'absent' | undefined {
  const text = String(file.value);
  const place = location(file);
  const node = tree.children[0];
  if (node?.type !== 'yaml') {
    if (/^---[ \t]*\r?\n/.test(text)) {
      reportProblem(
        file,
        'Unexpected end of file, expected a closing `---` line after the front matter',
        { line: 1, column: 1 },
        'front-matter-unclosed',
      );
      return undefined;
    }
    return 'absent';
  }
  const blockStart = node.position?.start.offset ?? 0;
  const contentStart = text.indexOf('\n', blockStart) + 1;
  const source = text.slice(contentStart, contentStart + (node as Yaml).value.length);
  const position = node.position ?? { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };

  const toPosition = (range: readonly number[] | null | undefined): Position => {
    if (!range) return position;
    const start = place.toPoint(contentStart + (range[0] ?? 0));
    const end = place.toPoint(contentStart + (range[1] ?? range[0] ?? 0));
    return start && end ? { start, end } : position;
  };

  if (source.length > maxFrontMatterChars) {
    reportProblem(
      file,
      `Unexpected front matter of ${source.length} characters, expected at most ${maxFrontMatterChars}; move long text into the body`,
      position,
      'file-too-large',
    );
    return undefined;
  }

  const doc = parseDocument(source, {
    schema: 'core',
    prettyErrors: false,
    uniqueKeys: true,
    strict: true,
  });
  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      reportProblem(
        file,
        describeYamlError(error.code, error.message),
        toPosition(error.pos),
        'yaml-syntax',
      );
    }
    return undefined;
  }

  // Anchors and aliases have no use in front matter and are how a tiny file
  // expands into gigabytes ("billion laughs"), so they are refused outright.
  let aliased = false;
  visit(doc, {
    Alias(_key, alias) {
      aliased = true;
      reportProblem(
        file,
        `Unexpected YAML alias \`*${alias.source}\`, expected a plain value; front matter does not support anchors and aliases`,
        toPosition(alias.range),
        'yaml-alias',
      );
      return visit.BREAK;
    },
  });
  if (aliased) return undefined;

  // A list or map as a key (`? [a, b]: c`) has no field name; the yaml
  // library would stringify it and print a process warning of its own.
  let complexKey = false;
  visit(doc, {
    Pair(_key, pair) {
      if (pair.key === null || isScalar(pair.key)) return;
      complexKey = true;
      const keyNode = pair.key as YamlNode;
      reportProblem(
        file,
        `Unexpected ${isMap(keyNode) ? 'map' : 'list'} as a field name, expected a plain name such as \`title\`; write \`name: value\``,
        toPosition(keyNode.range ?? undefined),
        'yaml-syntax',
      );
      return visit.BREAK;
    },
  });
  if (complexKey) return undefined;

  // Front matter becomes headers (the subject), feed entries and terminal
  // output; a control character there is never meant and often invisible.
  let controlled = false;
  visit(doc, {
    Scalar(_key, scalar) {
      if (typeof scalar.value !== 'string') return;
      const found = controlCharacterInText.exec(scalar.value);
      if (!found) return;
      controlled = true;
      // At the character itself when it is in the source as it is, else
      // (written as an escape such as `"\e"`) at the value.
      const range = scalar.range;
      const at = range ? source.slice(range[0], range[1]).search(controlCharacterInText) : -1;
      const start = range ? range[0] + Math.max(at, 0) : undefined;
      reportProblem(
        file,
        `Unexpected control character ${codePointName(found[0])} in front matter, expected printable text; delete it (most editors do not show it)`,
        range && start !== undefined ? toPosition(at >= 0 ? [start, start + 1] : range) : position,
        'control-character',
      );
    },
  });
  if (controlled) return undefined;

  const locator = yamlLocator(doc.contents, toPosition, position);
  if (doc.contents === null) return { data: {}, locator, position };
  if (!isMap(doc.contents)) {
    reportProblem(
      file,
      `Unexpected ${describeYamlNode(doc.contents)} in front matter, expected fields such as \`title: …\``,
      toPosition(doc.contents.range ?? undefined),
      'yaml-syntax',
    );
    return undefined;
  }
  const data = doc.toJS({ maxAliasCount: 0 }) as Record<string, unknown>;
  return { data, locator, position };
}

function yamlLocator(
  contents: YamlNode | null,
  toPosition: (range: readonly number[] | null | undefined) => Position,
  fallback: Position,
): SourceLocator {
  // Walk down the path and stop at the deepest node that exists.
  const find = (path: KeyPath): { node: YamlNode | null; keyNode?: YamlNode } => {
    let node: YamlNode | null = contents;
    let keyNode: YamlNode | undefined;
    for (const segment of path) {
      if (!isMap(node)) return { node, ...(keyNode ? { keyNode } : {}) };
      const pair = node.items.find(
        (item) => isPair(item) && isScalar(item.key) && item.key.value === segment,
      );
      if (!pair) return { node };
      keyNode = pair.key as YamlNode;
      node = (pair.value as YamlNode | null) ?? keyNode;
    }
    return { node, ...(keyNode ? { keyNode } : {}) };
  };
  return {
    value(path) {
      const { node } = find(path);
      return node?.range ? toPosition(node.range) : fallback;
    },
    key(path) {
      const { node, keyNode } = find(path);
      const target = keyNode ?? node;
      return target?.range ? toPosition(target.range) : fallback;
    },
  };
}

function describeYamlNode(node: YamlNode): string {
  if (isScalar(node)) return 'plain text';
  return 'a list';
}

function describeYamlError(code: string, message: string): string {
  switch (code) {
    case 'DUPLICATE_KEY':
      return 'Unexpected repeated field, expected each front matter field once';
    case 'MISSING_CHAR':
      return `Unexpected end of value, expected ${message.replace(/^Missing /, '')}`;
    case 'BLOCK_AS_IMPLICIT_KEY':
      return 'Unexpected `:` inside a value, expected one `key: value` per line; quote values that contain `: `';
    case 'TAB_AS_INDENT':
      return 'Unexpected tab, expected spaces for indentation';
    default:
      if (/^Flow sequence/.test(message)) {
        return 'Unexpected end of line, expected `]` to close the list; put the value in quotes if `[` is part of the text';
      }
      if (/^Flow map/.test(message)) {
        return 'Unexpected end of line, expected `}` to close the mapping; put the value in quotes if `{` is part of the text';
      }
      return `Unexpected YAML in front matter: ${printable(message)}`;
  }
}
