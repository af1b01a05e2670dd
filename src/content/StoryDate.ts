/** A date from front matter: a day, or a day with a time and a UTC offset. */
export interface StoryDate {
  /** The value as written. */
  text: string;
  /** The calendar day as written, `YYYY-MM-DD`. */
  day: string;
  /** The time as written, `HH:MM` or `HH:MM:SS`; absent for a date only. */
  time?: string;
  /** Minutes east of UTC, as written; absent for a date only. */
  offsetMinutes?: number;
  /**
   * The instant, in milliseconds since the epoch. A date only is placed at
   * midnight of that day in the configured time zone, so it sorts before
   * updates with a time on the same day.
   */
  epochMs: number;
}
