import type { StoryDate } from './StoryDate.js';

/** `2014-02-10`, or `2014-02-10T09:15:00+01:00` with the offset as written. Pure. */
export function isoDate(date: StoryDate): string {
  if (date.time === undefined || date.offsetMinutes === undefined) return date.day;
  const time = date.time.length === 5 ? `${date.time}:00` : date.time;
  const sign = date.offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(date.offsetMinutes);
  const offset =
    abs === 0
      ? 'Z'
      : `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `${date.day}T${time}${offset}`;
}
