import path from 'node:path';
import type { CommandContext } from '../cli/CommandContext.js';
import { formatProblem } from '../diagnostics/formatProblem.js';
import { problemToJson } from '../diagnostics/problemToJson.js';
import { checkProject } from '../usecases/checkProject.js';

export async function run({ values, io }: CommandContext): Promise<number> {
  const root = path.resolve(io.cwd, typeof values.root === 'string' ? values.root : '.');
  const result = await checkProject({ root, now: io.now(), strict: values.strict === true });
  if (values.json) {
    io.stdout.write(
      `${JSON.stringify(
        result.problems.map((p) => problemToJson(p, io.cwd)),
        null,
        2,
      )}\n`,
    );
  } else {
    for (const problem of result.problems) io.stderr.write(`${formatProblem(problem, io.cwd)}\n`);
    (result.ok ? io.stdout : io.stderr).write(`${result.summary}\n`);
  }
  return result.ok ? 0 : 1;
}
