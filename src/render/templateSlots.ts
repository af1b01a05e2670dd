/** Filled in once per edition, in the HTML mjml produces. */
export const editionSlots = [
  'subject',
  'preheader',
  'publication',
  'view_url',
  'archive_url',
  'postal_address',
  // The publication's language and its direction, for `<mjml lang dir>`.
  'lang',
  'dir',
  // The footer's words, from the locale's catalog (or `labels`).
  'footer_note',
  'view_in_browser',
  'unsubscribe_label',
] as const;

/** Filled in per recipient when a message is sent. */
export const recipientSlots = ['unsubscribe_url', 'name'] as const;

/** Where the edition's MJML goes; only in the main template. */
export const contentSlot = 'content';

export type EditionSlot = (typeof editionSlots)[number];
export type RecipientSlot = (typeof recipientSlots)[number];

export const allSlots: readonly string[] = [...editionSlots, ...recipientSlots, contentSlot];

/** `{{ name }}`, with optional spaces inside the braces. */
export const slotPattern = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
