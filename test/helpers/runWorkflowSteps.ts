import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { collectChild } from './captureIo.js';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
}

export interface StepResult {
  name: string;
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface WorkflowRun {
  /** Folder the steps run in: the checkout. */
  cwd: string;
  /** `secrets.NAME` values; a secret not given is the empty string, as on GitHub. */
  secrets: Record<string, string>;
  github: { sha: string; ref: string };
  /** What to do for a `uses:` step: a shell command, or `null` to skip it. */
  uses: (action: string) => string | null;
  /** Replace a `run:` step's script, or `undefined` to keep it. */
  replaceRun?: (script: string) => string | undefined;
  env?: NodeJS.ProcessEnv;
}

/**
 * Run a workflow job's steps the way a GitHub runner would, here: `run:`
 * scripts with `bash -eo pipefail`, `${{ … }}` expressions filled in,
 * `$GITHUB_ENV` carried from step to step, `if: always()` honoured. The
 * GitHub-only actions are replaced by what `uses` returns.
 */
export async function runWorkflowSteps(
  workflowFile: string,
  job: string,
  run: WorkflowRun,
): Promise<StepResult[]> {
  const workflow = parse(readFileSync(workflowFile, 'utf8')) as {
    jobs: Record<string, { steps: Step[] }>;
  };
  const steps = workflow.jobs[job]?.steps;
  if (!steps) throw new Error(`no job ${job} in ${workflowFile}`);
  const runnerTemp = mkdtempSync(path.join(tmpdir(), 'runner-temp-'));
  const githubEnv = path.join(runnerTemp, 'github-env');
  writeFileSync(githubEnv, '');
  const carried: Record<string, string> = {};
  const results: StepResult[] = [];
  let failed = false;

  const expand = (text: string) =>
    text.replace(/\$\{\{\s*([\w.]+)\s*\}\}/g, (_whole, expression: string) => {
      const [scope, name = ''] = expression.split('.');
      if (scope === 'secrets') return run.secrets[name] ?? '';
      if (scope === 'github' && (name === 'sha' || name === 'ref')) return run.github[name];
      throw new Error(`runWorkflowSteps: unsupported expression \${{ ${expression} }}`);
    });

  for (const step of steps) {
    const name = step.name ?? step.uses ?? step.run?.split('\n')[0] ?? 'step';
    const always = step.if?.trim() === 'always()';
    if (step.if && !always) throw new Error(`runWorkflowSteps: unsupported if: ${step.if}`);
    if (failed && !always) continue;
    let script: string | null | undefined = step.run;
    if (step.uses) script = run.uses(step.uses);
    else if (script !== undefined) script = run.replaceRun?.(script) ?? script;
    if (script === null || script === undefined) continue;
    const stepEnv = Object.fromEntries(
      Object.entries(step.env ?? {}).map(([k, v]) => [k, expand(String(v))]),
    );
    // Asynchronous, so servers in the test process (the SMTP relay) keep answering.
    const result = await runScript(expand(script), run.cwd, {
      ...process.env,
      ...run.env,
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_ENV: githubEnv,
      GITHUB_SHA: run.github.sha,
      GITHUB_REF: run.github.ref,
      RUNNER_TEMP: runnerTemp,
      ...carried,
      ...stepEnv,
    });
    for (const line of readFileSync(githubEnv, 'utf8').split('\n')) {
      const eq = line.indexOf('=');
      if (eq > 0) carried[line.slice(0, eq)] = line.slice(eq + 1);
    }
    results.push({ name, status: result.status, stdout: result.stdout, stderr: result.stderr });
    if (result.status !== 0) failed = true;
  }
  return results;
}

function runScript(
  script: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
    cwd,
    env,
  });
  return collectChild(child).then(({ code, stdout, stderr }) => ({ status: code, stdout, stderr }));
}
