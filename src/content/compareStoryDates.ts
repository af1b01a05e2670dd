import type { StoryDate } from './StoryDate.js';
import { zonedDay } from './zonedTime.js';

/** The day a date falls on in `timeZone` (a date only is its own day). */
function dayIn(date: StoryDate, timeZone: string): string {
  return date.time === undefined ? date.day : zonedDay(date.epochMs, timeZone);
}

/**
 * True when `a` is before `b`. With two times, instants are compared; when
 * either is a date only, days are, so an update on the day a story ran is
 * never "before" it.
 */
export function isBefore(a: StoryDate, b: StoryDate, timeZone: string): boolean {
  if (a.time !== undefined && b.time !== undefined) return a.epochMs < b.epochMs;
  return dayIn(a, timeZone) < dayIn(b, timeZone);
}

/** True when a date is later than `now`: a later day, or a later instant. */
export function isInFuture(date: StoryDate, now: Date, timeZone: string): boolean {
  if (date.time !== undefined) return date.epochMs > now.getTime();
  return date.day > zonedDay(now.getTime(), timeZone);
}
