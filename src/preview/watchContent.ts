import { existsSync, type FSWatcher, watch } from 'node:fs';
import path from 'node:path';

export interface ContentWatcher {
  close(): void;
}

/**
 * Call `onChange` after files that make an edition change: `story.md`, the
 * config, anything under `updates/` and the template folder. Events are
 * coalesced: a burst of saves (an editor writing a temp file then renaming
 * it, or a script saving many files) calls `onChange` once, `quietMs` after
 * the last event. Uses node:fs `watch`, recursive on Linux since Node 20.
 */
export function watchContent(
  root: string,
  templateDir: () => string,
  onChange: () => void,
  quietMs = 25,
): ContentWatcher {
  const watchers = new Map<string, FSWatcher>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const fire = () => {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      ensure();
      onChange();
    }, quietMs);
  };

  const add = (dir: string, recursive: boolean, filter?: (name: string) => boolean) => {
    if (watchers.has(dir) || !existsSync(dir)) return;
    const watcher = watch(dir, { recursive }, (_event, name) => {
      if (!filter || (name !== null && filter(String(name)))) fire();
    });
    watcher.on('error', () => {
      // The folder went away (deleted, renamed); watch again once it is back.
      watcher.close();
      watchers.delete(dir);
    });
    watchers.set(dir, watcher);
  };

  // Folders that do not exist yet (a story with no updates) are picked up
  // when the root's watcher sees them appear.
  const ensure = () => {
    add(
      root,
      false,
      (name) =>
        name === 'story.md' ||
        name === 'storyline.config.json' ||
        name === 'updates' ||
        name === 'templates',
    );
    add(path.join(root, 'updates'), true);
    add(templateDir(), true);
  };
  ensure();

  return {
    close() {
      closed = true;
      clearTimeout(timer);
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
}
