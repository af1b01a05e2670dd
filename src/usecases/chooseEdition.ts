import type { Edition } from '../edition/Edition.js';
import { planEditionById, planPendingEdition } from '../edition/planEdition.js';
import type { Project } from '../project/loadProject.js';

export interface ChosenEdition {
  edition: Edition;
  /** The pending edition (what a send would mail), not a stand-in for it. */
  pending: boolean;
}

export interface ChooseEditionOptions {
  /**
   * With nothing pending: `none` chooses nothing (build, status, a send);
   * `newest` the newest update that is not a draft (check proves the template
   * on it, `send --to` mails a test of it); `newest-or-draft` the newest
   * update even if a draft (the preview shows drafts).
   */
  otherwise: 'none' | 'newest' | 'newest-or-draft';
}

/**
 * The one rule for which edition a command works on: the pending edition
 * (one in progress first), else, where asked, the newest update's. Pure.
 */
export function chooseEdition(
  project: Pick<Project, 'story' | 'sent' | 'config' | 'inProgress'>,
  options: ChooseEditionOptions,
): ChosenEdition | undefined {
  const { story, sent, config, inProgress } = project;
  if (!story) return undefined;
  const pending = planPendingEdition(story, sent, config, inProgress);
  if (pending) return { edition: pending, pending: true };
  if (options.otherwise === 'none') return undefined;
  const newest =
    options.otherwise === 'newest' ? story.updates.findLast((u) => !u.draft) : story.updates.at(-1);
  const edition = newest && planEditionById(story, newest.id, sent, config, inProgress);
  return edition ? { edition, pending: false } : undefined;
}
