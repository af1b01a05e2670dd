/**
 * Every word of the catch-up email ("the story so far") a reader or an
 * operator sees, and the story's content does not supply, in one place, so
 * they can move into message catalogs as a whole.
 */
export const catchUpWords = {
  /** The subject, after the configured `subjectPrefix`. */
  subject: (headline: string) => `The story so far: ${headline}`,
  /** A row taken over from a process that died while sending it. */
  resumedWarning: (id: number) =>
    `warning: catch-up ${id} was being sent when a process stopped; it is sent again now, with the same Message-ID, and its reader may get it twice`,
} as const;
