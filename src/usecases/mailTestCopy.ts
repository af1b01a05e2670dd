import path from 'node:path';
import { sendTestCopy } from '../deliver/sendTestCopy.js';
import { outboxDir, transportFromEnv } from '../deliver/transports/transportFromEnv.js';
import { createUnsubscribeToken } from '../deliver/unsubscribeToken.js';
import type { Project } from '../project/loadProject.js';
import type { Rendered } from '../render/Rendered.js';
import { addressProblem } from '../util/addressProblem.js';
import { refusedWrite } from '../util/assertWritableInsideRoot.js';

export interface TestCopyRequest {
  project: Pick<Project, 'root' | 'config'>;
  rendered: Rendered;
  to: string;
  secret: string;
  env: NodeJS.ProcessEnv;
  now: Date;
}

export type TestCopyResult =
  | { status: 'invalid-address' }
  | { status: 'refused'; message: string }
  | { status: 'sent'; editionId: string; to: string; transport: string };

/** `send --to`: one `[TEST]` copy to one address, never journaled. */
export async function mailTestCopy(request: TestCopyRequest): Promise<TestCopyResult> {
  const { project, rendered, to, env } = request;
  if (addressProblem(to)) return { status: 'invalid-address' };
  const refused = env.SMTP_URL?.trim()
    ? undefined
    : await refusedWrite(project.root, [path.join(outboxDir(project.root), 'test')]);
  if (refused) return { status: 'refused', message: refused.message };
  const transport = transportFromEnv(env, project.root, 'test');
  try {
    await sendTestCopy({
      rendered,
      to,
      config: project.config,
      transport,
      token: createUnsubscribeToken(to, request.secret),
      now: request.now,
    });
  } finally {
    await transport.close();
  }
  return { status: 'sent', editionId: rendered.edition.id, to, transport: transport.description };
}
