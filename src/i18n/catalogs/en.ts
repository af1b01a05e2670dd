/**
 * Every word storyline itself writes, in English: the reference catalog.
 * Its keys are the message keys; every other catalog should have them all
 * (a missing one falls back to this, and `check` warns). To add a word: add
 * the key here, then to each catalog beside this one.
 */
export const en = {
  /** The label before an update's date: "Update 2/10/2014:". */
  update: 'Update',
  correction: 'Correction',
  earlierUpdates: 'Earlier updates',
  moreUpdates: {
    one: '{count} more update in the archive',
    other: '{count} more updates in the archive',
  },
  readMore: 'Read it in the archive',
  /** The text part's first lines: "View it in your browser: <url>". */
  viewInBrowser: 'View it in your browser',
  /** The link in the email's footer. */
  viewInBrowserLink: 'View in your browser',
  footerNote: 'You are receiving {publication} because you subscribed to updates on this story.',
  unsubscribe: 'Unsubscribe',
  /** Above the text part's numbered link list. */
  links: 'Links',
  /** Above a body's footnotes. */
  notes: 'Notes',
  backToReference: 'Back to reference {reference}',
  /** The name in the web version of an email, which has no recipient. */
  reader: 'reader',
  updates: 'Updates',
  theStory: 'The story',
  editionsMailed: 'Editions mailed',
  asMailed: 'As mailed: {subject}',
  updatedOn: 'Updated {date}',
  firstPublished: 'First published {date}',
  updateCount: { one: '{count} update', other: '{count} updates' },
  atomFeed: 'Atom feed',
  jsonFeed: 'JSON Feed',
  /** Links between the living page's pages, newest updates first. */
  newerUpdates: 'Newer updates',
  olderUpdates: 'Older updates',
  pageOf: 'Page {page} of {count}',
} as const;

export type MessageKey = keyof typeof en;
