import type { BounceKind } from '../bounces/BounceEvent.js';
import { readBounceLog } from '../ledger/bounceLog.js';
import type { EditionRecord } from '../ledger/EditionRecord.js';
import { bounceCountsByEdition } from '../store/bounceCountsByEdition.js';
import type { Store } from '../store/Store.js';

export type BounceCounts = Record<BounceKind, number>;

/** An edition's bounces and complaints, each also as a share of the messages it sent. */
export interface EditionBounces {
  counts: BounceCounts;
  /** Over `counts.sent` of the edition; 0 when it sent nothing. */
  rates: BounceCounts;
}

/** Past these on the last edition, `status` warns (Gmail asks bulk senders to stay under 0.3% spam). */
export const bounceRateLimits = { complaint: 0.001, hard: 0.02 } as const;

export interface BounceRateWarning {
  editionId: string;
  kind: keyof typeof bounceRateLimits;
  rate: number;
  limit: number;
}

/**
 * Bounces and complaints per edition, from the store's `bounce_events` and
 * `archive/bounces.jsonl` together (a project that moved to a store keeps
 * its older log). Reports with no edition are left out.
 */
export async function countBounces(
  root: string,
  store: Store | undefined,
): Promise<Map<string, BounceCounts>> {
  const counts = new Map<string, BounceCounts>();
  const add = (edition: string | null | undefined, kind: BounceKind, n: number) => {
    if (!edition) return;
    const entry = counts.get(edition) ?? { hard: 0, soft: 0, complaint: 0 };
    entry[kind] += n;
    counts.set(edition, entry);
  };
  for (const entry of (await readBounceLog(root, undefined)).entries)
    add(entry.edition, entry.kind, 1);
  if (store) {
    for (const row of await bounceCountsByEdition(store)) add(row.edition, row.kind, row.count);
  }
  return counts;
}

/** Each edition's counts with their rates over the messages it sent. */
export function editionBounces(
  editions: readonly EditionRecord[],
  counts: ReadonlyMap<string, BounceCounts>,
): Map<string, EditionBounces> {
  const result = new Map<string, EditionBounces>();
  for (const edition of editions) {
    const found = counts.get(edition.id) ?? { hard: 0, soft: 0, complaint: 0 };
    const sent = edition.counts.sent;
    const rate = (n: number) => (sent > 0 ? n / sent : 0);
    result.set(edition.id, {
      counts: found,
      rates: { hard: rate(found.hard), soft: rate(found.soft), complaint: rate(found.complaint) },
    });
  }
  return result;
}

/** The last edition's complaint and hard-bounce rates past their limits. */
export function bounceRateWarnings(
  editions: readonly EditionRecord[],
  bounces: ReadonlyMap<string, EditionBounces>,
): BounceRateWarning[] {
  const last = editions.at(-1);
  const rates = last && bounces.get(last.id)?.rates;
  if (!last || !rates) return [];
  return (['complaint', 'hard'] as const)
    .filter((kind) => rates[kind] > bounceRateLimits[kind])
    .map((kind) => ({
      editionId: last.id,
      kind,
      rate: rates[kind],
      limit: bounceRateLimits[kind],
    }));
}
