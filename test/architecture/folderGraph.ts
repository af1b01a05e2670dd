import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/** Folder (or top-level file) of `src/` → folders it imports → the imports that make each edge. */
export type FolderGraph = Map<string, Map<string, string[]>>;

// Static imports and re-exports (`import x from`, `import type {…} from`,
// `export * from`, side-effect `import '…'`) at the start of a line, so a
// JSDoc example or a string is never taken for one; the clause holds only
// names, braces, commas and `*`. Then `import('…')` outside comment lines.
const staticImport =
  /^[ \t]*(?:import|export)\s+(?:type\s+)?(?:[\w$*{},\s]+?\s+from\s+)?['"]([^'"\n]+)['"]/gm;
const dynamicImport = /^(?![ \t]*(?:\/\/|\*|\/\*)).*?\bimport\(\s*['"]([^'"\n]+)['"]\s*\)/gm;

/** The module specifiers a TypeScript source imports, statically or dynamically. */
export function importsOf(source: string): string[] {
  return [...source.matchAll(staticImport), ...source.matchAll(dynamicImport)].map(
    (m) => m[1] as string,
  );
}

/** `cli/commandTable.ts` → `cli/`; `cli.ts` (directly in src/) is its own node. */
export function folderOf(relativePath: string): string {
  const [first, ...rest] = relativePath.split(/[\\/]/);
  return rest.length > 0 ? `${first}/` : (first as string);
}

/** The graph of top-level folders of `srcDir`, from the relative imports of every `.ts` file. */
export async function readFolderGraph(srcDir: string): Promise<FolderGraph> {
  const graph: FolderGraph = new Map();
  const files = (await readdir(srcDir, { recursive: true }))
    .filter((f) => f.endsWith('.ts'))
    .sort();
  for (const file of files) {
    const from = folderOf(file);
    if (!graph.has(from)) graph.set(from, new Map());
    for (const specifier of importsOf(await readFile(path.join(srcDir, file), 'utf8'))) {
      if (!specifier.startsWith('.')) continue;
      const target = path.relative(srcDir, path.resolve(srcDir, path.dirname(file), specifier));
      const to = folderOf(target);
      if (to === from || target.startsWith('..')) continue;
      const edges = graph.get(from) as Map<string, string[]>;
      edges.set(to, [...(edges.get(to) ?? []), `${file} → ${specifier}`]);
    }
  }
  return graph;
}

/** Strongly connected components of more than one node (Tarjan), each sorted. */
export function folderCycles(graph: FolderGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node) as number);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node)?.keys() ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) as number, low.get(next) as number));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) as number, index.get(next) as number));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) components.push(component.sort());
    }
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return components;
}

/** Each cycle as its folders and the imports between them, for a failure message. */
export function describeCycles(graph: FolderGraph, cycles: string[][]): string {
  return cycles
    .map((members) => {
      const edges = members.flatMap((from) =>
        [...(graph.get(from) ?? new Map<string, string[]>())]
          .filter(([to]) => members.includes(to))
          .map(([to, via]) => {
            const more = via.length > 3 ? ` and ${via.length - 3} more` : '';
            return `  ${from} → ${to}: ${via.slice(0, 3).join(', ')}${more}`;
          }),
      );
      return `folders importing each other: ${members.join(', ')}\n${edges.join('\n')}`;
    })
    .join('\n');
}

/**
 * Imports from one file of `folder` (a folder of `srcDir`, such as
 * `commands`) to another file of the same folder, as `file → specifier`.
 */
export async function importsWithin(srcDir: string, folder: string): Promise<string[]> {
  const dir = path.join(srcDir, folder);
  const found: string[] = [];
  const files = (await readdir(dir, { recursive: true })).filter((f) => f.endsWith('.ts')).sort();
  for (const file of files) {
    const from = path.join(dir, file);
    for (const specifier of importsOf(await readFile(from, 'utf8'))) {
      if (!specifier.startsWith('.')) continue;
      const target = path.resolve(path.dirname(from), specifier);
      const relative = path.relative(dir, target);
      if (!relative.startsWith('..') && !path.isAbsolute(relative))
        found.push(`${folder}/${file} → ${specifier}`);
    }
  }
  return found;
}
