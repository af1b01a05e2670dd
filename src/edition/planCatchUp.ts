import type { Config } from '../config/configSchema.js';
import type { BaseStory, Story, Update } from '../content/Story.js';
import { wordsFor } from '../i18n/wordsFor.js';
import type { Edition } from './Edition.js';
import { firstSentence } from './firstSentence.js';
import { headlineInEffect } from './headlineInEffect.js';

/** An edition as the archive records it: enough to tell whether a reader gets it. */
export interface StartedEdition {
  id: string;
  /** The updates it announces. */
  updates: readonly string[];
  /** When its delivery first began (ISO 8601). */
  startedAt: string;
}

/** The catch-up email ("the story so far") for one confirmation, before it is split for size. */
export interface CatchUp {
  /** The headline in effect over the updates it holds. */
  headline: string;
  subject: string;
  preheader: string;
  /** Every update the reader will not get from an edition, newest first. */
  updates: Update[];
  base: BaseStory;
}

/** The id a catch-up goes by in logs and Message-IDs; it has no archive folder. */
export const catchUpEditionId = 'catch-up';

type CatchUpConfig = Pick<Config, 'subjectPrefix' | 'locale' | 'labels'>;

/**
 * What a reader confirmed at `confirmedAt` is sent to catch up. An edition
 * mails a store subscriber when `coalesce(confirmed_at, created_at)` is at
 * or before its start (`streamActive`), even if it is still sending; so the
 * catch-up holds the updates of every edition that started strictly before
 * the confirmation, complete or in progress, and nothing pending or started
 * since: those editions bring it. Drafts and updates since deleted are left
 * out. Pure.
 */
export function planCatchUp(
  story: Story,
  editions: readonly StartedEdition[],
  confirmedAt: Date,
  config: CatchUpConfig,
): CatchUp {
  const confirmed = confirmedAt.getTime();
  const missed = new Set(
    editions
      .filter((edition) => Date.parse(edition.startedAt) < confirmed)
      .flatMap((edition) => edition.updates),
  );
  // Oldest first, as the story keeps them.
  const held = story.updates.filter((update) => !update.draft && missed.has(update.id));
  const headline = headlineInEffect(story.base, held);
  const newest = held.at(-1);
  const preheader =
    (newest && (newest.summary ?? firstSentence(newest.body, config.locale))) ||
    story.base.dek ||
    firstSentence(story.base.body, config.locale);
  return {
    headline,
    subject: oneLine(
      `${config.subjectPrefix}${wordsFor(config.locale, config.labels).get('catchUpSubject', { headline })}`,
    ),
    preheader: oneLine(preheader),
    updates: [...held].reverse(),
    base: story.base,
  };
}

/**
 * The catch-up as an edition the templates render: the newest `inFull`
 * updates in full, the older ones as dated headlines (the edition's earlier
 * updates), the base story below; its web version is the living story page
 * at `siteUrl`. Pure.
 */
export function catchUpEdition(catchUp: CatchUp, inFull: number, siteUrl: string): Edition {
  const count = Math.max(0, Math.min(inFull, catchUp.updates.length));
  return {
    id: catchUpEditionId,
    headline: catchUp.headline,
    subject: catchUp.subject,
    preheader: catchUp.preheader,
    newUpdates: catchUp.updates.slice(0, count),
    earlierUpdates: catchUp.updates.slice(count),
    base: catchUp.base,
    viewUrl: siteUrl,
  };
}

/** Collapse every run of whitespace, line breaks included, so no header can be split. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
