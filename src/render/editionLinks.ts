import type { Edition } from '../edition/Edition.js';

/** The web version of an edition in the archive. */
export function editionUrl(siteUrl: string, editionId: string): string {
  return new URL(`${encodeURIComponent(editionId)}/`, siteUrl).href;
}

/** An update on the living story page, which holds every update. */
export function updateUrl(siteUrl: string, updateId: string): string {
  return new URL(`#${encodeURIComponent(updateId)}`, siteUrl).href;
}

/** The earlier updates an edition shows, and how many it leaves to the archive. */
export function shownEarlierUpdates(edition: Edition, limit: number) {
  return {
    shown: edition.earlierUpdates.slice(0, limit),
    more: Math.max(0, edition.earlierUpdates.length - limit),
  };
}
