import { closest, distance } from 'fastest-levenshtein';

/** The candidate closest to `word`, when it is close enough to be a typo. */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const lower = word.toLowerCase();
  const best = closest(lower, [...candidates]);
  const limit = Math.max(2, Math.floor(word.length / 3));
  return distance(lower, best.toLowerCase()) <= limit ? best : undefined;
}
