import type { BaseStory, Update } from '../content/Story.js';

/** What one email carries: the updates it announces, the ones before them, and the base story. */
export interface Edition {
  /** The id of its newest new update; also its folder name in `archive/` and build output. */
  id: string;
  /** The headline in effect at the newest new update, else the story's title. */
  headline: string;
  /** The headline with the configured prefix; never holds a line break. */
  subject: string;
  /** The newest new update's `summary`, else its first sentence. */
  preheader: string;
  /** Updates this edition announces, newest first. */
  newUpdates: Update[];
  /** Updates already mailed in earlier editions, newest first. */
  earlierUpdates: Update[];
  base: BaseStory;
  /** Where its web version is, when not its own archive page (a catch-up's is the living story page). */
  viewUrl?: string | undefined;
}
