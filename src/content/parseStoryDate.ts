import type { StoryDate } from './StoryDate.js';
import { zonedMidnight } from './zonedTime.js';

const pattern =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?\s?(Z|[+-]\d{2}:?\d{2})?)?$/;

const monthNames = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

export type DateResult = { ok: true; date: StoryDate } | { ok: false; reason: string };

/**
 * Parse `YYYY-MM-DD` or an ISO date-time with an offset
 * (`2014-02-10T09:30+01:00`, `…Z`). Returns a reason in our message style
 * for anything else, including impossible days and times. Pure.
 */
export function parseStoryDate(text: string, timeZone: string): DateResult {
  const match = pattern.exec(text.trim());
  if (!match) {
    return {
      ok: false,
      reason: `Unexpected date \`${text}\`, expected \`YYYY-MM-DD\` or a date-time with an offset such as \`2014-02-10T09:30:00+01:00\``,
    };
  }
  const [, y, mo, d, h, mi, s, offset] = match;
  const year = Number(y);
  const month = Number(mo);
  const dayOfMonth = Number(d);
  if (month < 1 || month > 12) {
    return { ok: false, reason: `Unexpected month \`${mo}\` in \`${text}\`, expected 01 to 12` };
  }
  const days = daysInMonth(year, month);
  if (dayOfMonth < 1 || dayOfMonth > days) {
    return {
      ok: false,
      reason: `Unexpected day \`${d}\` in \`${text}\`, expected 01 to ${days} (${monthNames[month - 1]} ${year} has ${days} days)`,
    };
  }
  const day = `${y}-${mo}-${d}`;
  if (h === undefined || mi === undefined) {
    return {
      ok: true,
      date: { text, day, epochMs: zonedMidnight(year, month, dayOfMonth, timeZone) },
    };
  }
  const hour = Number(h);
  const minute = Number(mi);
  const second = s === undefined ? 0 : Number(s);
  if (hour > 23 || minute > 59 || second > 59) {
    const time = s === undefined ? `${h}:${mi}` : `${h}:${mi}:${s}`;
    return {
      ok: false,
      reason: `Unexpected time \`${time}\` in \`${text}\`, expected hours 00 to 23, minutes and seconds 00 to 59`,
    };
  }
  if (offset === undefined) {
    return {
      ok: false,
      reason: `Unexpected date-time without an offset \`${text}\`, expected an offset such as \`${day}T${h}:${mi}:00+01:00\` or \`Z\` for UTC`,
    };
  }
  const offsetMinutes = parseOffset(offset);
  if (offsetMinutes === undefined) {
    return {
      ok: false,
      reason: `Unexpected offset \`${offset}\` in \`${text}\`, expected \`Z\` or \`+HH:MM\` between -12:00 and +14:00`,
    };
  }
  const local = Date.UTC(year, month - 1, dayOfMonth, hour, minute, second);
  const time = s === undefined ? `${h}:${mi}` : `${h}:${mi}:${s}`;
  return {
    ok: true,
    date: { text, day, time, offsetMinutes, epochMs: local - offsetMinutes * 60_000 },
  };
}

function parseOffset(offset: string): number | undefined {
  if (offset === 'Z') return 0;
  const digits = offset.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2));
  if (hours > 14 || minutes > 59) return undefined;
  const total = hours * 60 + minutes;
  if (total > 14 * 60 || (offset.startsWith('-') && total > 12 * 60)) return undefined;
  return offset.startsWith('-') ? -total : total;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
