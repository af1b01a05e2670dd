import type { z } from 'zod';

/**
 * The first problem zod found in a value read from a committed file (an
 * archive record, a journal or suppressions line), as "Unexpected X,
 * expected Y". The value's content is never quoted, only its kind, so a
 * damaged file cannot put arbitrary text into CI logs.
 */
export function describeSchemaIssue(error: z.ZodError, value: unknown): string {
  const [issue] = error.issues;
  if (!issue) return 'Unexpected value, expected the form storyline writes';
  const keyPath = issue.path.map(String);
  if (keyPath.length === 0) return `Unexpected ${kindOf(value)}, expected a JSON object`;
  const field = `\`${keyPath.join('.')}\``;
  const actual = valueAt(value, issue.path);
  const expected = expectation(issue);
  return actual === undefined
    ? `Unexpected missing ${field}, expected ${expected}`
    : `Unexpected ${kindOf(actual)} for ${field}, expected ${expected}`;
}

function expectation(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`;
    case 'invalid_value':
      return `one of ${issue.values.map((v) => `\`${String(v)}\``).join(', ')}`;
    default:
      // zod's own wording ("Invalid string: must match pattern …"), lower-cased to read on.
      return issue.message.replace(/^Invalid (input|string|format): /, '').toLowerCase();
  }
}

function valueAt(value: unknown, keyPath: readonly PropertyKey[]): unknown {
  let current = value;
  for (const key of keyPath) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function kindOf(value: unknown): string {
  if (value === null) return '`null`';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
