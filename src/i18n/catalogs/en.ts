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
  /** The catch-up email's subject ("the story so far"), after the configured `subjectPrefix`. */
  catchUpSubject: 'The story so far: {headline}',
  /** The sign-up form on archive pages and on `serve`'s own. */
  subscribeHeading: 'Follow this story by email',
  subscribeEmail: 'Email address',
  subscribeName: 'Name (optional)',
  /** The honeypot's label: hidden from people and screen readers. */
  subscribeHoneypot: 'Leave this empty',
  subscribeButton: 'Subscribe',
  /** The confirmation email (double opt-in). */
  confirmMailSubject: 'Confirm your subscription to {publication}',
  confirmMailIntro:
    'Someone, hopefully you, asked to receive {publication} by email at this address.',
  confirmMailOpenLink: 'To confirm, open this link and press Confirm:',
  confirmMailButton: 'Confirm my subscription',
  confirmMailExpiry:
    'The link works for 7 days. If you did not ask, ignore this message: you will not be mailed again.',
  /** The pages of `storyline serve`. */
  backTo: 'Back to {publication}',
  checkInboxTitle: 'Check your inbox',
  checkInbox:
    'If this address can subscribe, a message with a confirmation link is on its way. Open it and press Confirm; until then you will get nothing else.',
  badAddressTitle: 'That address does not look right',
  /** `{problem}` is what is wrong with the address, as the address checks say it. */
  badAddress: 'Unexpected {problem}, expected an address such as reader@example.org',
  confirmTitle: 'Confirm your subscription',
  confirmPrompt: 'Press Confirm to receive {publication} by email.',
  confirmButton: 'Confirm',
  subscribedTitle: 'You are subscribed',
  subscribed: 'Thank you. {publication} will mail you each update of this story.',
  badConfirmLinkTitle: 'This confirmation link does not work',
  badConfirmLink:
    'Unexpected link that is unknown, expired (links work for 7 days) or cut short, expected the whole link from the confirmation message. Subscribe again to get a new one.',
  unsubscribeTitle: 'Unsubscribe from {publication}?',
  unsubscribePrompt: 'Press Unsubscribe and no later update will be mailed to you.',
  unsubscribedTitle: 'You are unsubscribed',
  unsubscribed: '{publication} will not mail you again. Changed your mind?',
  resubscribeButton: 'Resubscribe',
  resubscribedTitle: 'You are subscribed again',
  resubscribed: 'Welcome back. {publication} will mail you each update of this story.',
  subscribeAgainTitle: 'Subscribe again',
  subscribeAgain: 'Use the form on the story’s page to subscribe again.',
  badUnsubscribeLinkTitle: 'This unsubscribe link does not work',
  badUnsubscribeLink:
    'Unexpected link that does not verify (changed, cut short, or made for another list), expected the whole link from one of our messages. Use the unsubscribe link at the bottom of the latest message, or reply to it and we will take you off the list.',
  notFoundTitle: 'Not found',
  tooManyRequestsTitle: 'Too many requests',
  tooManyRequests:
    'Unexpected number of requests from your address, expected fewer; wait a minute and try again.',
  errorTitle: 'Something went wrong',
  badRequest: 'Unexpected request, expected one made by the form or a link in our messages.',
  serverError: 'The service could not answer; try again in a minute.',
  /** Links between the living page's pages, newest updates first. */
  newerUpdates: 'Newer updates',
  olderUpdates: 'Older updates',
  pageOf: 'Page {page} of {count}',
} as const;

export type MessageKey = keyof typeof en;
