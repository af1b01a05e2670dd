import type { VFile } from 'vfile';
import type { Config } from '../config/configSchema.js';
import { type CatchUp, catchUpEdition } from '../edition/planCatchUp.js';
import { gmailClipBytes } from './lintEdition.js';
import type { Template } from './loadTemplate.js';
import type { Rendered } from './Rendered.js';
import { renderEdition } from './renderEdition.js';

/**
 * Room left under Gmail's clip for what each recipient's copy adds in place
 * of the markers: the unsubscribe URL with its token (twice in the
 * template, over a hundred bytes each for a long address) and the name.
 */
export const recipientHeadroomBytes = 2 * 1024;

export interface RenderedCatchUp {
  rendered: Rendered;
  /** Updates shown in full. */
  inFull: number;
  /** Older updates shown as dated headlines (the rest are counted, with a link to the archive). */
  headlines: number;
  /** Bytes of the HTML, markers included. */
  bytes: number;
  /** Whether it fits under Gmail's clip with the headroom; false only when even the smallest form does not. */
  fits: boolean;
}

export type CatchUpRenderResult =
  | { ok: true; catchUp: RenderedCatchUp }
  | { ok: false; files: VFile[] };

/**
 * Renders a catch-up from the edition template, as large as fits under
 * Gmail's 102 KB clip: the configured number of updates in full, fewer
 * (down to none) while the HTML is too large, then fewer dated headlines.
 * Each size is measured on the rendered HTML, since the template, the
 * styles mjml inlines and the markup around each update all count.
 */
export async function renderCatchUp(
  catchUp: CatchUp,
  template: Template,
  config: Config,
  limitBytes = gmailClipBytes - recipientHeadroomBytes,
): Promise<CatchUpRenderResult> {
  let smallest: RenderedCatchUp | undefined;
  const attempt = async (inFull: number, headlines: number) => {
    const edition = catchUpEdition(catchUp, inFull, config.siteUrl);
    // Every older update is listed unless the size says otherwise, not `earlierUpdates`.
    const result = await renderEdition(edition, template, { ...config, earlierUpdates: headlines });
    if (!result.ok) return result;
    const bytes = Buffer.byteLength(result.rendered.html);
    smallest = {
      rendered: result.rendered,
      inFull: edition.newUpdates.length,
      headlines: Math.min(headlines, edition.earlierUpdates.length),
      bytes,
      fits: bytes <= limitBytes,
    };
    return { ok: true as const, catchUp: smallest };
  };

  const total = catchUp.updates.length;
  for (let inFull = Math.min(config.catchUp.inFull, total); inFull >= 0; inFull--) {
    const result = await attempt(inFull, total - inFull);
    if (!result.ok || result.catchUp.fits) return result;
  }
  // Nothing in full and still too large: a story of hundreds of updates.
  // Halve the headlines listed; the rest are counted with a link to the archive.
  for (let headlines = Math.floor(total / 2); total > 0; headlines = Math.floor(headlines / 2)) {
    const result = await attempt(0, headlines);
    if (!result.ok || result.catchUp.fits || headlines === 0) return result;
  }
  // No updates and a base story past the clip: sent as it is, `fits` says so.
  if (!smallest) throw new Error('renderCatchUp rendered nothing');
  return { ok: true, catchUp: smallest };
}
