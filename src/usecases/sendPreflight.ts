import path from 'node:path';
import type { SubscriberSource } from '../deliver/subscriberSource.js';
import { describeSmtpUrl, parseSmtpUrl } from '../deliver/transports/smtpTransport.js';
import { outboxDir } from '../deliver/transports/transportFromEnv.js';
import type { Shard } from '../ledger/archivePaths.js';
import { sendWritePaths } from '../ledger/sendWritePaths.js';
import { readSuppressions } from '../ledger/suppressions.js';
import type { Project } from '../project/loadProject.js';
import { refusedWrite } from '../util/assertWritableInsideRoot.js';
import { isLoopback } from '../util/isLoopback.js';

export type SendRefusalKind =
  | 'no-unsubscribe'
  | 'example-list-on-relay'
  | 'unsafe-write'
  | 'suppressions-under-another-secret'
  /** `--shard` with a PostgreSQL store: a usage error (exit 2). */
  | 'shard-with-deliveries-table';

/** Why a send must not start: a kind to branch on and a sentence for a person. */
export interface SendRefusal {
  kind: SendRefusalKind;
  message: string;
}

export interface SendPreflightOptions {
  project: Pick<Project, 'root' | 'config'>;
  source: SubscriberSource;
  secret: string;
  env: NodeJS.ProcessEnv;
  editionId: string;
  shard?: Shard | undefined;
}

export interface SendPreflight {
  /** Undefined when a send may start. */
  refusal: SendRefusal | undefined;
  /** The suppression list's warnings (damaged lines, entries of another key). */
  warnings: string[];
}

/**
 * Whether a send of this project to this list may start: shared by a real
 * send, `--dry-run` and `publish`, so a dry run that passes means a send
 * would start.
 */
export async function sendPreflight(options: SendPreflightOptions): Promise<SendPreflight> {
  const { project, source, secret, env, editionId, shard } = options;
  const { config } = project;
  const relay = env.SMTP_URL?.trim();
  if (relay && !config.unsubscribe.url && !config.unsubscribe.mailto) {
    return refuse(
      'no-unsubscribe',
      'storyline.config.json has neither `unsubscribe.url` nor `unsubscribe.mailto`, expected at least one; every message must offer a way to unsubscribe (List-Unsubscribe), and Gmail and Yahoo reject bulk mail without it',
    );
  }
  if (source.origin === 'example' && relay && !isLoopback(parseSmtpUrl(relay).hostname)) {
    return refuse(
      'example-list-on-relay',
      `refusing to mail the example list ${path.basename(source.path)} through ${describeSmtpUrl(relay)}; give the real list with --subscribers, STORYLINE_SUBSCRIBERS (in CI, the SUBSCRIBERS_CSV secret) or subscribers.csv`,
    );
  }
  // Before anything is read or sent: a write refused half-way through would
  // leave recipients mailed and not journaled.
  const refused = await refusedWrite(project.root, [
    ...sendWritePaths(project.root, editionId, shard),
    ...(relay ? [] : [path.join(outboxDir(project.root), editionId)]),
  ]);
  if (refused) return refuse('unsafe-write', refused.message);
  // Only the warnings: the send collects the hashes itself, compactly.
  const suppressions = await readSuppressions(project.root, secret, { add: () => undefined });
  const warnings = suppressions.warnings;
  if (warnings.some((w) => w.includes('another STORYLINE_SECRET'))) {
    return {
      refusal: {
        kind: 'suppressions-under-another-secret',
        message:
          'some unsubscribes were recorded with another STORYLINE_SECRET and would not be honoured',
      },
      warnings,
    };
  }
  return { refusal: undefined, warnings };
}

function refuse(kind: SendRefusalKind, message: string): SendPreflight {
  return { refusal: { kind, message }, warnings: [] };
}
