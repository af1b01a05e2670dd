import type { Edition } from '../edition/Edition.js';
import type { RecipientSlot } from './templateSlots.js';

/** An edition rendered once: what every recipient's message is made from. */
export interface Rendered {
  edition: Edition;
  subject: string;
  preheader: string;
  /** The MJML that was compiled: the template with the edition's content in place. */
  mjml: string;
  /** HTML with a marker where each per-recipient value goes. */
  html: string;
  /** Plain text with the same markers. */
  text: string;
  /** The marker standing for each per-recipient value in `html` and `text`. */
  markers: Record<RecipientSlot, string>;
}
