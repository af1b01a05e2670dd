import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importsWithin, readFolderGraph } from './folderGraph.js';

const srcDir = path.resolve(import.meta.dirname, '../../src');

describe('commands of src/', () => {
  it('never import one another: shared work lives in usecases/', async () => {
    expect(await importsWithin(srcDir, 'commands')).toEqual([]);
  });

  it('reach their work through usecases/ (a scan that found nothing would pass)', async () => {
    const graph = await readFolderGraph(srcDir);
    expect(graph.get('commands/')?.has('usecases/')).toBe(true);
    expect(graph.get('usecases/')?.has('commands/')).toBe(false);
  });

  it('a command importing another is named with the import', async () => {
    const src = await mkdtemp(path.join(os.tmpdir(), 'storyline-commands-'));
    const files: Record<string, string> = {
      'commands/publishCommand.ts':
        "import { deliver } from './sendCommand.js';\nimport { x } from '../usecases/x.js';\nexport const run = [deliver, x];\n",
      'commands/sendCommand.ts': 'export const deliver = 1;\n',
      'usecases/x.ts': 'export const x = 1;\n',
    };
    for (const [name, text] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(src, name)), { recursive: true });
      await writeFile(path.join(src, name), text);
    }
    expect(await importsWithin(src, 'commands')).toEqual([
      'commands/publishCommand.ts → ./sendCommand.js',
    ]);
  });
});
