import { z } from 'zod';

const text = z.string().trim().min(1);

/**
 * `lang:` of a file told in another language than the config's `locale`, as
 * a BCP 47 tag; kept in its canonical case (`EN-gb` becomes `en-GB`).
 */
const languageTag = z
  .string()
  .trim()
  .transform((value, ctx) => {
    try {
      const [canonical] = Intl.getCanonicalLocales(value);
      if (canonical) return canonical;
    } catch {}
    ctx.addIssue({
      code: 'custom',
      message: `Unexpected language \`${value}\`, expected a BCP 47 tag such as \`ar\`, \`he\` or \`en-GB\``,
    });
    return z.NEVER;
  });

/** `image:` in `story.md`. `alt` is required whenever there is an image. */
export const imageSchema = z.strictObject({
  src: text,
  alt: z.string(),
  credit: text.optional(),
});

/** Front matter of `story.md`. Dates are checked after the schema, with positions. */
export const storyFrontMatterSchema = z.strictObject({
  title: text,
  published: z.string(),
  dek: text.optional(),
  byline: text.optional(),
  image: imageSchema.optional(),
  lang: languageTag.optional(),
});

/** Front matter of `updates/<YYYY-MM-DD>-<slug>.md`. */
export const updateFrontMatterSchema = z.strictObject({
  date: z.string(),
  headline: text.optional(),
  kind: z.enum(['update', 'correction']).default('update'),
  summary: text.optional(),
  draft: z.boolean().default(false),
  lang: languageTag.optional(),
});

export type StoryFrontMatter = z.output<typeof storyFrontMatterSchema>;
export type UpdateFrontMatter = z.output<typeof updateFrontMatterSchema>;

/** What to write for each field, used in "expected …" of missing-field messages. */
export const fieldHints: Readonly<Record<string, string>> = {
  title: '`title: <the story’s headline>`',
  published: '`published: YYYY-MM-DD`, the day the story first ran',
  date: '`date: YYYY-MM-DD` (or a date-time with an offset)',
  src: '`src: <image URL or path>`',
  alt: '`alt: <what the image shows>`',
};
