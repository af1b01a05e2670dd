import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  findNodeAtLocation,
  getNodeValue,
  type Node as JsonNode,
  type ParseError,
  parseTree,
  printParseErrorCode,
} from 'jsonc-parser';
import type { Position } from 'unist';
import { VFile } from 'vfile';
import { location } from 'vfile-location';
import { reportProblem } from '../diagnostics/reportProblem.js';
import { reportSchemaIssues } from '../diagnostics/reportSchemaIssues.js';
import type { KeyPath, SourceLocator } from '../diagnostics/SourceLocator.js';
import { resolveInsideRoot } from '../util/resolveInsideRoot.js';
import { type Config, configSchema, configShape } from './configSchema.js';
import { reportMissingTranslations } from './reportMissingTranslations.js';

export const configFileName = 'storyline.config.json';

export interface ConfigResult {
  /** The config with defaults filled in; the defaults alone when the file has errors. */
  config: Config;
  file: VFile;
}

/**
 * Read and validate `storyline.config.json` at the content root. A missing
 * file is not a problem: every field has a default.
 */
export async function loadConfig(root: string): Promise<ConfigResult> {
  const filePath = path.join(root, configFileName);
  if ((await resolveInsideRoot(root, filePath)).status === 'outside') {
    const file = new VFile({ path: filePath });
    reportProblem(
      file,
      `Unexpected ${configFileName} outside the content root (a symbolic link to a file elsewhere), expected the file itself; copy it into the content root instead of linking to it`,
      undefined,
      'outside-root',
    );
    return { config: configSchema.parse({}), file };
  }
  let text: string;
  try {
    text = await readFile(filePath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return { config: configSchema.parse({}), file: new VFile({ path: filePath }) };
    }
    throw error;
  }
  const file = new VFile({ path: filePath, value: text });
  return { config: validateConfigText(file), file };
}

/** Validate config text held in `file`; problems go on `file`. Pure. */
export function validateConfigText(file: VFile): Config {
  const text = String(file.value).replace(/^\uFEFF/, '');
  const place = location(text);
  const toPosition = (offset: number, length: number): Position => {
    const start = place.toPoint(offset) ?? { line: 1, column: 1 };
    const end = place.toPoint(offset + length) ?? start;
    return { start, end };
  };
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
  if (errors.length > 0 || !tree) {
    // One slip often yields several parse errors at the same place; report the first.
    const first = errors.filter((e, i) => errors.findIndex((o) => o.offset === e.offset) === i);
    for (const error of first) {
      reportProblem(
        file,
        `Unexpected JSON: ${describeJsonError(printParseErrorCode(error.error))}`,
        toPosition(error.offset, error.length),
        'json-syntax',
      );
    }
    if (!tree && errors.length === 0) {
      reportProblem(
        file,
        'Unexpected empty file, expected a JSON object `{ … }`',
        undefined,
        'json-syntax',
      );
    }
    return configSchema.parse({});
  }
  const data: unknown = getNodeValue(tree);
  const result = configSchema.safeParse(data);
  if (!result.success) {
    reportSchemaIssues(file, result.error.issues, data, jsonLocator(tree, toPosition), {
      where: 'storyline.config.json',
      schema: configShape,
    });
    return configSchema.parse({});
  }
  const locator = jsonLocator(tree, toPosition);
  reportMissingTranslations(
    file,
    result.data,
    findNodeAtLocation(tree, ['locale']) ? locator.value(['locale']) : undefined,
  );
  return result.data;
}

function jsonLocator(
  tree: JsonNode,
  toPosition: (offset: number, length: number) => Position,
): SourceLocator {
  const deepest = (path: KeyPath): JsonNode => {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = findNodeAtLocation(tree, [...path.slice(0, depth)]);
      if (node) return node;
    }
    return tree;
  };
  return {
    value(path) {
      const node = deepest(path);
      return toPosition(node.offset, node.length);
    },
    key(path) {
      const node = findNodeAtLocation(tree, [...path]);
      const key = node?.parent?.type === 'property' ? node.parent.children?.[0] : undefined;
      const target = key ?? deepest(path);
      return toPosition(target.offset, target.length);
    },
  };
}

function describeJsonError(code: string): string {
  switch (code) {
    case 'CommaExpected':
      return 'missing comma, expected `,` between entries';
    case 'PropertyNameExpected':
      return 'expected a quoted field name (no trailing comma after the last entry)';
    case 'ValueExpected':
      return 'expected a value';
    case 'ColonExpected':
      return 'expected `:` after the field name';
    case 'CloseBraceExpected':
      return 'expected `}`';
    case 'CloseBracketExpected':
      return 'expected `]`';
    case 'InvalidCommentToken':
      return 'comment, expected none (JSON has no comments)';
    default:
      return code;
  }
}
