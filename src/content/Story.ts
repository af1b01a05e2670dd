import type { Root } from 'mdast';
import type { Position } from 'unist';
import type { StoryDate } from './StoryDate.js';

export interface StoryImage {
  src: string;
  alt: string;
  credit?: string;
}

/** `story.md`: the base story every edition carries below its updates. */
export interface BaseStory {
  /** Absolute path of `story.md`. */
  path: string;
  title: string;
  published: StoryDate;
  dek?: string;
  byline?: string;
  image?: StoryImage;
  /** The language the story is told in, when not the config's `locale` (BCP 47). */
  lang?: string;
  /** The body, front matter removed. */
  body: Root;
  /** Where each front matter field's value is, for later messages. */
  fieldPositions: Record<string, Position>;
}

export type UpdateKind = 'update' | 'correction';

/** One dated file in `updates/`. */
export interface Update {
  /** The file stem, e.g. `2014-02-10-second-round-geneva`. */
  id: string;
  /** Absolute path of the file. */
  path: string;
  date: StoryDate;
  /** The story's headline from this update on. */
  headline?: string;
  kind: UpdateKind;
  /** The preheader of an edition led by this update. */
  summary?: string;
  /** The language this update is told in, when not the story's (BCP 47). */
  lang?: string;
  /** Shown in preview, never sent. */
  draft: boolean;
  body: Root;
  /** Where each front matter field's value is, for later messages. */
  fieldPositions: Record<string, Position>;
}

export interface Story {
  /** Absolute path of the content root. */
  root: string;
  base: BaseStory;
  /** Oldest first: by date-time, then by id. Drafts included. */
  updates: Update[];
}
