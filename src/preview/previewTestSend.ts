import { sendTestCopy } from '../deliver/sendTestCopy.js';
import type { Transport } from '../deliver/transports/Transport.js';
import type { PreviewModel } from './PreviewModel.js';

export interface PreviewTestSendOptions {
  /** A transport for one test copy; closed after it. */
  transport: () => Transport;
  /** The unsubscribe token for an address, so the copy's link works. */
  token: (to: string) => string;
  now: () => Date;
}

/**
 * The preview's "Send test" button: mail the edition on screen, as rendered,
 * to one address with `[TEST]` in the subject. Never journaled. Returns
 * where it went.
 */
export function previewTestSend(
  model: PreviewModel,
  options: PreviewTestSendOptions,
): (editionId: string | undefined, to: string) => Promise<string> {
  return async (editionId, to) => {
    const view = await model.view(editionId);
    if (!view.ok || !view.rendered || !model.config)
      throw new Error('the email has problems; fix them first');
    const transport = options.transport();
    try {
      await sendTestCopy({
        rendered: view.rendered,
        to,
        config: model.config,
        transport,
        token: options.token(to),
        now: options.now(),
      });
      return transport.description;
    } finally {
      await transport.close();
    }
  };
}
