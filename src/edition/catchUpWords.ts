/**
 * The catch-up's words for the operator (the reader's, such as the
 * subject, are in the message catalogs: `catchUpSubject`).
 */
export const catchUpWords = {
  /** A row taken over from a process that died while sending it. */
  resumedWarning: (id: number) =>
    `warning: catch-up ${id} was being sent when a process stopped; it is sent again now, with the same Message-ID, and its reader may get it twice`,
} as const;
