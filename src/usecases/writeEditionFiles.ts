import path from 'node:path';
import type { Config } from '../config/configSchema.js';
import { previewCopy } from '../deliver/previewCopy.js';
import { describeEdition } from '../ledger/EditionRecord.js';
import type { Rendered } from '../render/Rendered.js';
import { assertWritableInsideRoot } from '../util/assertWritableInsideRoot.js';
import { writeFileAtomic } from '../util/writeFileAtomic.js';

export interface BuiltEdition {
  id: string;
  dir: string;
  subject: string;
  preheader: string;
  sizes: { html: number; text: number; mjml: number; eml: number };
}

/**
 * Write one rendered edition's build files into `<out>/<edition-id>/`,
 * never through a link out of the content `root` when `out` is inside it.
 */
export async function writeEditionFiles(
  rendered: Rendered,
  out: string,
  config: Config,
  now: Date,
  root: string,
): Promise<BuiltEdition> {
  const { edition } = rendered;
  const dir = path.join(out, edition.id);
  const message = previewCopy(rendered, config, now);
  const { eml } = message;
  const sizes = {
    html: Buffer.byteLength(message.html),
    text: Buffer.byteLength(message.text),
    mjml: Buffer.byteLength(rendered.mjml),
    eml: eml.length,
  };
  // A build shows what the email holds, earlier updates too; the archive's
  // records leave those out (the ledger derives them).
  const earlierUpdates = edition.earlierUpdates.map((u) => u.id);
  const summary = { ...describeEdition(edition), earlierUpdates, sizes };
  const names = ['email.html', 'email.txt', 'email.mjml', 'message.eml', 'edition.json'];
  for (const name of names) await assertWritableInsideRoot(root, path.join(dir, name));
  await writeFileAtomic(path.join(dir, 'email.html'), message.html);
  await writeFileAtomic(path.join(dir, 'email.txt'), message.text);
  await writeFileAtomic(path.join(dir, 'email.mjml'), rendered.mjml);
  await writeFileAtomic(path.join(dir, 'message.eml'), eml);
  await writeFileAtomic(path.join(dir, 'edition.json'), `${JSON.stringify(summary, null, 2)}\n`);
  return { id: edition.id, dir, subject: edition.subject, preheader: edition.preheader, sizes };
}
