import type { Config } from '../config/configSchema.js';
import type { Story, Update } from '../content/Story.js';
import type { Edition } from './Edition.js';
import { firstSentence } from './firstSentence.js';
import { headlineInEffect } from './headlineInEffect.js';

type EditionConfig = Pick<Config, 'subjectPrefix' | 'locale'>;

/**
 * The edition that mails every update not yet sent (drafts never), or
 * `undefined` when nothing is pending. An edition whose delivery started and
 * did not finish (`inProgress`) comes first, with the same updates, so every
 * recipient of it gets the same edition and nobody gets an update twice. Pure.
 */
export function planPendingEdition(
  story: Story,
  sent: ReadonlySet<string>,
  config: EditionConfig,
  inProgress?: { id?: string; updates: readonly string[] } | undefined,
): Edition | undefined {
  const published = story.updates.filter((u) => !u.draft);
  const earlier = published.filter((u) => sent.has(u.id));
  if (inProgress) {
    // Resumed as it started, even if one of its updates has since been set
    // back to draft: half the list already has it. Its id never changes, so
    // its journal (and who has it) carries over.
    const resumed = story.updates.filter((u) => inProgress.updates.includes(u.id));
    if (resumed.length > 0) return makeEdition(story, resumed, earlier, config, inProgress.id);
  }
  const pending = published.filter((u) => !sent.has(u.id));
  if (pending.length === 0) return undefined;
  return makeEdition(story, pending, earlier, config);
}

/**
 * The edition each update would have produced had it been mailed on its
 * own, oldest first: what `build --edition all` renders. Pure.
 */
export function planAllEditions(story: Story, config: EditionConfig): Edition[] {
  const published = story.updates.filter((u) => !u.draft);
  return published.map((update, index) =>
    makeEdition(story, [update], published.slice(0, index), config),
  );
}

/**
 * The edition with the given id: the pending edition if it has that id, else
 * the one that update would have produced alone. Drafts are previewable here
 * (`preview` picks any update), so they are not filtered. Pure.
 */
export function planEditionById(
  story: Story,
  id: string,
  sent: ReadonlySet<string>,
  config: EditionConfig,
  inProgress?: { id?: string; updates: readonly string[] } | undefined,
): Edition | undefined {
  const pending = planPendingEdition(story, sent, config, inProgress);
  if (pending?.id === id) return pending;
  const index = story.updates.findIndex((u) => u.id === id);
  const update = story.updates[index];
  if (!update) return undefined;
  const earlier = story.updates.slice(0, index).filter((u) => !u.draft);
  return makeEdition(story, [update], earlier, config);
}

function makeEdition(
  story: Story,
  fresh: Update[],
  earlier: Update[],
  config: EditionConfig,
  /** Kept from the archive when an edition is resumed. */
  id?: string,
): Edition {
  const newUpdates = [...fresh].reverse();
  const newest = newUpdates[0];
  if (!newest) throw new Error('an edition needs at least one update');
  // A reader of this edition has every published update up to its newest.
  const upTo = story.updates
    .slice(0, story.updates.indexOf(newest) + 1)
    .filter((u) => !u.draft || u === newest);
  const headline = headlineInEffect(story.base, upTo);
  const subject = oneLine(`${config.subjectPrefix}${headline}`);
  const preheader = oneLine(newest.summary ?? firstSentence(newest.body, config.locale));
  return {
    id: id ?? newest.id,
    headline,
    subject,
    preheader,
    newUpdates,
    earlierUpdates: [...earlier].reverse(),
    base: story.base,
  };
}

/** Collapse every run of whitespace, line breaks included, so no header can be split. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * The edition an archive record describes, rebuilt from today's content: its
 * updates as the new ones, and below them `earlier`, the updates of every
 * edition before it in the ledger (what was sent when it was planned: an
 * edition starts only once those before it are complete). Updates since
 * deleted from the story are left out. Pure.
 */
export function planEditionFromRecord(
  story: Story,
  record: { updates: readonly string[] },
  earlier: ReadonlySet<string>,
  config: EditionConfig,
): Edition | undefined {
  const ids = new Set(record.updates);
  const fresh = story.updates.filter((u) => ids.has(u.id));
  if (fresh.length === 0) return undefined;
  const before = story.updates.filter((u) => earlier.has(u.id) && !ids.has(u.id));
  return makeEdition(story, fresh, before, config);
}
