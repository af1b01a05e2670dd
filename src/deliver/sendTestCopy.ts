import type { Config } from '../config/configSchema.js';
import type { Rendered } from '../render/Rendered.js';
import { messageIdFor } from './messageIdFor.js';
import { prepareRawMessage } from './rawMessage.js';
import type { Delivery, Transport } from './transports/Transport.js';

export interface TestCopyOptions {
  rendered: Rendered;
  to: string;
  config: Config;
  transport: Transport;
  /** The unsubscribe token in the copy; a test copy's link works like a subscriber's. */
  token: string;
  now: Date;
}

/**
 * Mail one copy of an edition to one address, subject prefixed `[TEST]`.
 * It is never journaled: a test copy is not a delivery.
 */
export async function sendTestCopy(options: TestCopyOptions): Promise<Delivery> {
  const { rendered, config, now } = options;
  const build = prepareRawMessage(rendered, config, { subjectPrefix: '[TEST] ' });
  const message = build(
    { email: options.to },
    {
      token: options.token,
      messageId: messageIdFor(
        config.from,
        `${rendered.edition.id}.test.${now.getTime().toString(36)}`,
      ),
      date: now,
    },
  );
  return options.transport.send(message);
}
