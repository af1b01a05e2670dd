import type { Config } from '../config/configSchema.js';
import type { BaseStory, Update } from '../content/Story.js';
import { type TextDirection, textDirection } from '../i18n/textDirection.js';

/** A block's language and the direction it is written in. */
export interface Language {
  lang: string;
  dir: TextDirection;
}

export function languageOf(tag: string): Language {
  return { lang: tag, dir: textDirection(tag) };
}

/**
 * The languages of an edition's parts: the publication's (`locale`: labels,
 * headings, footer), the story's (`lang:` of story.md, else `locale`) and an
 * update's (its own `lang:`, else the story's). Pure.
 */
export function storyLanguages(base: Pick<BaseStory, 'lang'>, config: Pick<Config, 'locale'>) {
  const publication = languageOf(config.locale);
  const story = base.lang ? languageOf(base.lang) : publication;
  return {
    publication,
    story,
    of: (update: Pick<Update, 'lang'>): Language => (update.lang ? languageOf(update.lang) : story),
  };
}

/** Whether a block in `inner` needs its own `lang`/`dir` inside `outer`. */
export function differs(inner: Language, outer: Language): boolean {
  return inner.lang !== outer.lang || inner.dir !== outer.dir;
}
