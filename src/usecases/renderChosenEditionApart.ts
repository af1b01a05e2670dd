import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { VFileMessage } from 'vfile-message';
import {
  fromTransferable,
  type TransferableProblem,
  toTransferable,
} from '../diagnostics/transferableProblem.js';
import type { Project } from '../project/loadProject.js';
import type { Rendered } from '../render/Rendered.js';
import type { ChooseEditionOptions } from './chooseEdition.js';

/** What a send needs of the project once the edition is rendered. */
export type SendProject = Pick<Project, 'root' | 'config'>;

/** `renderChosenEdition`'s answer with the project cut down to what a send uses. */
export type RenderedApart =
  | { status: 'failed'; problems: VFileMessage[] }
  | { status: 'nothing-to-send'; problems: VFileMessage[] }
  | { status: 'rendered'; project: SendProject; rendered: Rendered; problems: VFileMessage[] };

/** What the worker is given (its `workerData`). */
export interface RenderRequest {
  root: string;
  now: Date;
  choice: ChooseEditionOptions;
}

/** What the worker posts back: plain data, as a structured clone carries it. */
export type RenderReply =
  | { status: 'failed' | 'nothing-to-send'; problems: TransferableProblem[] }
  | {
      status: 'rendered';
      project: SendProject;
      rendered: Rendered;
      problems: TransferableProblem[];
    };

/**
 * A young generation this small keeps the render's peak low; the render
 * allocates little that lives long, so it costs a few scavenges more.
 */
const renderYoungGenerationMb = 4;

/**
 * `renderChosenEdition` in a worker thread that has ended by the time this
 * returns: the content parser, mjml and its dependencies (about 60 MB of
 * code and heap) and the render's garbage go with the thread's heap, so a
 * send of a million recipients starts from the process's floor, not the
 * render's (docs/benchmarks.md, "the floor"). The messages come back as
 * vfile messages with their positions.
 *
 * From the TypeScript sources (vitest runs them without compiling) the
 * worker's module is not JavaScript that Node can start, so there the render
 * runs in this thread; the compiled CLI always uses the worker.
 */
export async function renderChosenEditionApart(
  root: string,
  now: Date,
  choice: ChooseEditionOptions,
): Promise<RenderedApart> {
  const workerUrl = new URL('./renderChosenEditionWorker.js', import.meta.url);
  const reply = existsSync(fileURLToPath(workerUrl))
    ? await renderInWorker(workerUrl, { root, now, choice })
    : await renderReply({ root, now, choice });
  const problems = reply.problems.map(fromTransferable);
  return reply.status === 'rendered'
    ? { status: 'rendered', project: reply.project, rendered: reply.rendered, problems }
    : { status: reply.status, problems };
}

function renderInWorker(workerUrl: URL, request: RenderRequest): Promise<RenderReply> {
  const worker = new Worker(workerUrl, {
    workerData: request,
    resourceLimits: { maxYoungGenerationSizeMb: renderYoungGenerationMb },
  });
  return new Promise((resolve, reject) => {
    let reply: RenderReply | undefined;
    let failure: unknown;
    worker.once('message', (message: RenderReply) => {
      reply = message;
    });
    worker.once('error', (error) => {
      failure = error;
    });
    // Answered once the thread has ended, so its memory is freed before the send.
    worker.once('exit', (code) => {
      if (reply) resolve(reply);
      else
        reject(
          failure ?? new Error(`the render thread stopped (exit code ${code}) with no result`),
        );
    });
  });
}

/**
 * Render and put the answer in its plain form: what the worker runs, and
 * what runs here from the sources. Loaded when called, so that the thread
 * that only waits for the answer never loads the renderer.
 */
export async function renderReply(request: RenderRequest): Promise<RenderReply> {
  const { renderChosenEdition } = await import('./renderChosenEdition.js');
  const chosen = await renderChosenEdition(request.root, request.now, request.choice);
  const problems = chosen.problems.map(toTransferable);
  return chosen.status === 'rendered'
    ? {
        status: 'rendered',
        project: { root: chosen.project.root, config: chosen.project.config },
        rendered: chosen.rendered,
        problems,
      }
    : { status: chosen.status, problems };
}
