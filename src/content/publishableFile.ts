import path from 'node:path';

/**
 * Files of the content root that the story may link to and that the archive
 * and the preview serve: images and documents, never data (subscriber lists,
 * the config, markdown). By extension; a file outside the root or hidden is
 * never one of them.
 */
const mediaTypes: Readonly<Record<string, string>> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.pdf': 'application/pdf',
};

/**
 * The media type of a file the story may publish, or `undefined` when it may
 * not. Lexical only: it cannot see symbolic links, so whoever reads the file
 * also resolves it with `util/resolveInsideRoot.ts`.
 */
export function publishableType(root: string, relative: string): string | undefined {
  const target = path.resolve(root, relative);
  const inside = path.relative(root, target);
  if (!inside || inside.startsWith('..') || path.isAbsolute(inside)) return undefined;
  if (inside.split(path.sep).some((part) => part.startsWith('.'))) return undefined;
  return mediaTypes[path.extname(target).toLowerCase()];
}
