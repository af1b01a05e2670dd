import { collectProblems } from '../../src/diagnostics/collectProblems.js';
import { formatProblem } from '../../src/diagnostics/formatProblem.js';
import { loadProject } from '../../src/project/loadProject.js';

export const defaultNow = new Date('2014-03-01T12:00:00Z');

/** Load a content root and return its problems as `file:line:col: reason [rule]` lines. */
export async function problemsOf(root: string, now: Date = defaultNow): Promise<string[]> {
  const project = await loadProject(root, now);
  return collectProblems(project.files).map((message) => formatProblem(message, root));
}
