import type { VFile } from 'vfile';
import type { z } from 'zod';
import { didYouMean } from './didYouMean.js';
import { printable } from './printable.js';
import { reportProblem } from './reportProblem.js';
import type { KeyPath, SourceLocator } from './SourceLocator.js';

export interface SchemaContext {
  /** Where in the file, e.g. "front matter" or "storyline.config.json". */
  where: string;
  /** The schema the data was checked against, to list the fields it knows. */
  schema: z.ZodType;
  /** Per-field hints for missing values. */
  hints?: Readonly<Record<string, string>>;
}

/**
 * Turn schema issues into positioned vfile messages in our style
 * ("Unexpected X, expected Y"), one per issue, with a did-you-mean for
 * unknown fields and enum values close to a known one.
 */
export function reportSchemaIssues(
  file: VFile,
  issues: readonly z.core.$ZodIssue[],
  data: unknown,
  locator: SourceLocator,
  context: SchemaContext,
): void {
  for (const issue of issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    const name = `\`${printable(path.join('.'))}\``;
    const value = valueAt(data, path);
    switch (issue.code) {
      case 'unrecognized_keys': {
        const known = knownKeys(context.schema, path);
        for (const key of issue.keys) {
          const guess = didYouMean(key, known);
          const list = known.map((k) => `\`${k}\``).join(', ');
          reportProblem(
            file,
            `Unexpected field \`${printable([...path, key].join('.'))}\` in ${context.where}, expected one of ${list}${guess ? `; did you mean \`${guess}\`?` : ''}`,
            locator.key([...path, key]),
            'unknown-field',
          );
        }
        break;
      }
      case 'invalid_type': {
        if (value === undefined) {
          const key = String(path[path.length - 1] ?? '');
          const hint = context.hints?.[key] ?? `a value for ${name}`;
          reportProblem(
            file,
            `Missing ${name} in ${context.where}, expected ${hint}`,
            locator.value(path.slice(0, -1)),
            'required-field',
          );
        } else {
          reportProblem(
            file,
            `Unexpected ${describeValue(value)} for ${name}, expected ${describeExpected(issue.expected)}`,
            locator.value(path),
            'field-type',
          );
        }
        break;
      }
      case 'invalid_value': {
        const options = issue.values.map(String);
        const guess = typeof value === 'string' ? didYouMean(value, options) : undefined;
        reportProblem(
          file,
          `Unexpected ${describeValue(value)} for ${name}, expected ${options.map((o) => `\`${o}\``).join(' or ')}${guess ? `; did you mean \`${guess}\`?` : ''}`,
          locator.value(path),
          'field-value',
        );
        break;
      }
      case 'too_small':
      case 'too_big': {
        const reason =
          issue.origin === 'string'
            ? `Unexpected empty ${name}, expected some text (or remove the field)`
            : `Unexpected ${describeValue(value)} for ${name}, expected ${describeBound(issue)}`;
        reportProblem(file, reason, locator.value(path), 'field-value');
        break;
      }
      default:
        reportProblem(file, issue.message, locator.value(path), 'field-value');
    }
  }
}

function valueAt(data: unknown, path: KeyPath): unknown {
  let current: unknown = data;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

/** The field names an object schema accepts at `path`. */
function knownKeys(schema: z.ZodType, path: KeyPath): string[] {
  let current: z.core.$ZodType | undefined = schema;
  for (const segment of [...path, undefined]) {
    // Unwrap optional/default/nullable wrappers down to the object.
    while (current && 'innerType' in current._zod.def) {
      current = (current._zod.def as { innerType: z.core.$ZodType }).innerType;
    }
    if (current?._zod.def.type !== 'object') return [];
    const shape: Record<string, z.core.$ZodType> = (current._zod.def as z.core.$ZodObjectDef).shape;
    if (segment === undefined) return Object.keys(shape);
    current = shape[String(segment)];
  }
  return [];
}

function describeValue(value: unknown): string {
  if (value === null) return 'empty value';
  if (Array.isArray(value)) return 'list';
  switch (typeof value) {
    case 'string':
      return `\`${printable(value.length > 40 ? `${value.slice(0, 40)}…` : value)}\``;
    case 'number':
      return `number \`${value}\``;
    case 'boolean':
      return `\`${value}\``;
    case 'object':
      return 'nested fields';
    default:
      return typeof value;
  }
}

function describeBound(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig): string {
  const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
  const side = issue.code === 'too_small' ? 'above' : 'below';
  return issue.inclusive
    ? `a number ${issue.code === 'too_small' ? 'of at least' : 'of at most'} ${bound}`
    : `a number ${side} ${bound}`;
}

function describeExpected(expected: string): string {
  switch (expected) {
    case 'string':
      return 'text (put it in quotes if it looks like a number or a date)';
    case 'boolean':
      return '`true` or `false`';
    case 'number':
      return 'a number';
    case 'int':
      return 'a whole number';
    case 'object':
      return 'nested fields, one per indented line';
    default:
      return expected;
  }
}
