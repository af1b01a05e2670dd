import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { writeArchive } from '../archive/writeArchive.js';
import type { CommandContext } from '../cli/CommandContext.js';
import type { Io } from '../cli/Io.js';
import { secretFromEnv } from '../deliver/secret.js';
import { outboxDir } from '../deliver/transports/transportFromEnv.js';
import { collectProblems } from '../diagnostics/collectProblems.js';
import { formatProblem } from '../diagnostics/formatProblem.js';
import { sendWritePaths } from '../ledger/sendWritePaths.js';
import type { Project } from '../project/loadProject.js';
import type { Rendered } from '../render/Rendered.js';
import { refusedWrite } from '../util/assertWritableInsideRoot.js';
import { writeEditionFiles } from './buildCommand.js';
import { check } from './checkCommand.js';
import { deliver } from './sendCommand.js';

export interface PublishOptions {
  root: string;
  io: Io;
  /** Stops the send as SIGINT or SIGTERM would. */
  signal?: AbortSignal;
}

/**
 * What CI runs on main: check, build the pending edition, send it, and
 * bring the archive up to date. The edition is rendered once and used for
 * all three. Run twice, the second run mails nothing and leaves `archive/`
 * byte for byte as it was. The archive is written even when the send stops
 * part-way, so its journal is kept and the next run resumes.
 */
export async function publish(options: PublishOptions): Promise<number> {
  const { io, root } = options;
  const out = (line: string) => io.stdout.write(`${line}\n`);
  const err = (line: string) => io.stderr.write(`${line}\n`);
  let checked = await check({ root, now: io.now() });
  for (const problem of checked.problems) err(formatProblem(problem, io.cwd));
  if (!checked.ok || !checked.project.story) {
    err(`${checked.summary}\nNothing was sent or archived.`);
    return 1;
  }
  // Before anything is built or sent: a write refused half-way through would
  // leave recipients mailed and not journaled, or an archive half-written.
  const refused = await refusedWrite(
    checked.project.root,
    publishWritePaths(checked.project.root, checked.pending?.edition.id, io.env),
  );
  if (refused) {
    err(`${refused.message}\nNothing was sent or archived.`);
    return 1;
  }
  let code = 0;
  let editions = 0;
  // One edition after another: an edition resumed from an earlier run may
  // have newer updates queued behind it, and they go out in the same run.
  while (checked.pending && code === 0 && editions < maxEditionsPerRun) {
    code = await publishEdition(checked.project, checked.pending, options);
    editions++;
    if (code !== 0) break;
    checked = await check({ root, now: io.now() });
    if (!checked.ok) {
      for (const problem of checked.problems.filter((p) => p.fatal))
        err(formatProblem(problem, io.cwd));
      code = 1;
    }
  }
  if (editions === 0) out('Nothing pending: every update has been mailed.');
  const { project, template } = checked;
  const story = project.story;
  if (!story) return 1;
  const { config } = project;
  const archive = await writeArchive(project.root, story, config, template);
  for (const problem of collectProblems(archive.files)) err(formatProblem(problem, io.cwd));
  const archiveRel = path.relative(io.cwd, path.join(project.root, 'archive')) || 'archive';
  if (archive.written.length > 0) {
    out(`Archive: ${archiveRel}/ updated: ${archive.written.join(', ')}`);
    out(`Open ${path.join(archiveRel, 'index.html')} for the living story page.`);
  } else {
    out(`Archive: ${archiveRel}/ unchanged`);
  }
  return archive.files.length > 0 ? 1 : code;
}

/** The files a publish writes under the content root: the pending edition's, and the archive's own. */
function publishWritePaths(
  root: string,
  editionId: string | undefined,
  env: NodeJS.ProcessEnv,
): string[] {
  const archive = path.join(root, 'archive');
  const paths = ['index.html', 'feed.xml', 'feed.json'].map((name) => path.join(archive, name));
  if (editionId === undefined) return paths;
  return [
    ...paths,
    path.join(archive, editionId, 'index.html'),
    path.join(archive, editionId, 'email.txt'),
    path.join(root, '.storyline', 'build', editionId),
    ...sendWritePaths(root, editionId),
    ...(env.SMTP_URL?.trim() ? [] : [path.join(outboxDir(root), editionId)]),
  ];
}

/** More editions than this in one run means something keeps re-planning: stop and look. */
const maxEditionsPerRun = 20;

/** Build files for, send, and report the outbox of one pending edition. */
async function publishEdition(
  project: Project,
  pending: Rendered,
  options: PublishOptions,
): Promise<number> {
  const { io, root } = options;
  const out = (line: string) => io.stdout.write(`${line}\n`);
  const err = (line: string) => io.stderr.write(`${line}\n`);
  out(`Publishing ${pending.edition.id}: ${pending.subject}`);
  const built = await writeEditionFiles(
    pending,
    path.join(project.root, '.storyline', 'build'),
    project.config,
    io.now(),
    project.root,
  );
  out(
    `Built ${path.relative(io.cwd, built.dir) || '.'}/ (HTML ${(built.sizes.html / 1024).toFixed(1)} KB)`,
  );
  const usesSmtp = Boolean(io.env.SMTP_URL?.trim());
  const { secret, warning } = secretFromEnv(io.env);
  if (warning) err(`warning: ${warning}`);
  const code = await deliver(project, pending, secret, {
    root,
    io,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (!usesSmtp) {
    const dir = path.join(outboxDir(project.root), pending.edition.id);
    const count = (await readdir(dir).catch(() => [])).length;
    out(
      `Outbox: ${path.relative(io.cwd, dir)}/ holds ${count} message${count === 1 ? '' : 's'} (.eml files; set SMTP_URL to mail them for real)`,
    );
  }
  return code;
}

export async function run({ values, io }: CommandContext): Promise<number> {
  const root = path.resolve(io.cwd, typeof values.root === 'string' ? values.root : '.');
  return publish({ root, io });
}
