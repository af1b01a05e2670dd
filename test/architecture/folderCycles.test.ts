import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeCycles, folderCycles, importsOf, readFolderGraph } from './folderGraph.js';

const srcDir = path.resolve(import.meta.dirname, '../../src');

describe('folder graph of src/', () => {
  it('has no cycle: no folder imports, directly or through others, a folder that imports it', async () => {
    const graph = await readFolderGraph(srcDir);
    const cycles = folderCycles(graph);
    expect(cycles, describeCycles(graph, cycles)).toEqual([]);
  });

  it('sees the edges it is meant to guard (a scan that found nothing would pass)', async () => {
    const graph = await readFolderGraph(srcDir);
    expect([...(graph.get('cli.ts')?.keys() ?? [])].sort()).toEqual(['cli/', 'commands/']);
    expect(graph.get('deliver/')?.has('ledger/')).toBe(true);
    expect(graph.get('ledger/')?.has('deliver/')).toBe(false);
  });
});

describe('import scan', () => {
  it('reads static, type-only, multi-line, re-export, side-effect and dynamic imports', () => {
    const source = [
      "import { a } from './a.js';",
      "import type { B } from '../b/B.js';",
      'import {',
      '  c,',
      '  type C,',
      "} from './c.js';",
      "export * from './d.js';",
      "export { e as f } from './e.js';",
      "import './side.js';",
      "const load = () => import('../g/g.js');",
    ].join('\n');
    expect(importsOf(source)).toEqual([
      './a.js',
      '../b/B.js',
      './c.js',
      './d.js',
      './e.js',
      './side.js',
      '../g/g.js',
    ]);
  });

  it('ignores imports written in comments and strings', () => {
    const source = [
      '/**',
      " * import { x } from '../x/x.js';",
      " * const m = await import('../y/y.js');",
      ' */',
      "// const m = await import('../z/z.js');",
      "const text = 'import from here';",
    ].join('\n');
    expect(importsOf(source)).toEqual([]);
  });

  it('reports a cycle through three folders with the imports that close it', async () => {
    const src = await mkdtemp(path.join(os.tmpdir(), 'storyline-folders-'));
    const files: Record<string, string> = {
      'a/one.ts': "import { two } from '../b/two.js';\nexport const one = two;\n",
      'b/two.ts': "import type { Three } from '../c/three.js';\nexport const two = 2;\n",
      'c/three.ts': "export type Three = 3;\nexport const load = () => import('../a/one.js');\n",
      'd/four.ts': "import { one } from '../a/one.js';\nexport const four = one;\n",
      'main.ts': "import { four } from './d/four.js';\nexport { four };\n",
    };
    for (const [name, text] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(src, name)), { recursive: true });
      await writeFile(path.join(src, name), text);
    }
    const graph = await readFolderGraph(src);
    const cycles = folderCycles(graph);
    expect(cycles).toEqual([['a/', 'b/', 'c/']]);
    expect(describeCycles(graph, cycles)).toBe(
      [
        'folders importing each other: a/, b/, c/',
        '  a/ → b/: a/one.ts → ../b/two.js',
        '  b/ → c/: b/two.ts → ../c/three.js',
        '  c/ → a/: c/three.ts → ../a/one.js',
      ].join('\n'),
    );
  });
});
