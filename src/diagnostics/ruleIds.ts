/**
 * Every rule a content, config or template problem can be reported under.
 * The id is printed after each message so a user can look the rule up in the
 * README's table, and `--json` consumers can filter on it.
 */
export const ruleIds = [
  'missing-file',
  'file-too-large',
  'file-encoding',
  'file-unreadable',
  'file-name',
  'not-markdown',
  'outside-root',
  'symlink',
  'front-matter-missing',
  'front-matter-unclosed',
  'yaml-syntax',
  'yaml-alias',
  'json-syntax',
  'required-field',
  'field-type',
  'field-value',
  'unknown-field',
  'invalid-date',
  'file-name-date',
  'duplicate-id',
  'before-published',
  'future-date',
  'empty-body',
  'image-alt',
  'unsafe-url',
  'raw-html',
  'template-slot',
  'template-include',
  'mjml',
  'html-size',
  'subject-length',
  'preheader-missing',
  'insecure-url',
  'relative-url',
  'link-text',
  'archive',
  'subscriber-header',
  'subscriber-row',
  'subscriber-address',
  'subscriber-duplicate',
] as const;

export type RuleId = (typeof ruleIds)[number];
