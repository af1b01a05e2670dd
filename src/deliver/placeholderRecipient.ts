/** The recipient shown in build output and the preview: no real subscriber is ever written there. */
export const placeholderRecipient = { email: 'subscriber@example.org', name: 'Example Subscriber' };
