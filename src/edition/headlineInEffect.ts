import type { BaseStory, Update } from '../content/Story.js';

/**
 * The story's headline once a reader has `updates` (oldest first): the
 * newest `headline` one of them sets, else the story's title. Which updates
 * count is the caller's to say: an edition counts the published updates up
 * to its newest (itself even as a draft, since the preview shows drafts);
 * the living page and the feeds count the updates mailed. Every headline a
 * reader sees comes from here, so the email, the preview, the pages and the
 * feeds cannot disagree. Pure.
 */
export function headlineInEffect(
  base: Pick<BaseStory, 'title'>,
  updates: readonly Update[],
): string {
  return updates.findLast((u) => u.headline)?.headline ?? base.title;
}
