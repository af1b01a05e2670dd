import path from 'node:path';
import { importBounces } from '../bounces/importBounces.js';
import { MailboxError } from '../bounces/readMailbox.js';
import type { CommandContext } from '../cli/CommandContext.js';
import { databaseUrlAsUsage } from '../cli/databaseUrlAsUsage.js';
import type { Io } from '../cli/Io.js';
import { UsageError } from '../cli/UsageError.js';
import { loadConfig } from '../config/loadConfig.js';
import { secretFromEnv } from '../deliver/secret.js';
import type { Store } from '../store/Store.js';
import { applyBounceEvents } from '../usecases/applyBounceEvents.js';
import { listBounces } from '../usecases/listBounces.js';
import { openExistingStore } from '../usecases/openSubscriberStore.js';

const actions = ['list', 'import'] as const;

/** How many events `list` shows. */
const listLimit = 50;

/**
 * `storyline bounces list`: the latest bounces and complaints, hashes unless
 * asked for addresses. `storyline bounces import PATH`: a bounce mailbox
 * through the policy.
 */
export async function run({ values, positionals, io }: CommandContext): Promise<number> {
  const root = path.resolve(io.cwd, typeof values.root === 'string' ? values.root : '.');
  const [action, argument] = positionals;
  if (action === undefined || !(actions as readonly string[]).includes(action))
    throw new UsageError(
      `Unexpected action${action === undefined ? '' : ` \`${action}\``}, expected ${actions.join(', ')}`,
    );
  if (action === 'import') {
    if (argument === undefined)
      throw new UsageError(
        'Unexpected `bounces import` without a PATH, expected a Maildir, an mbox file or a folder of .eml files',
      );
    if (values.edition !== undefined || values['show-addresses'] !== undefined)
      throw new UsageError('`--edition` and `--show-addresses` are for `bounces list`');
    return importMailbox(root, path.resolve(io.cwd, argument), io);
  }
  if (argument !== undefined)
    throw new UsageError(`unexpected argument \`${argument}\`: \`${action}\` takes none`);
  const edition = typeof values.edition === 'string' ? values.edition : undefined;
  const showAddresses = values['show-addresses'] === true;
  // The embedded store only when it exists: listing creates no database.
  const store = await existingStore(io.env, root);
  try {
    const { events, warnings } = await listBounces(root, store, { edition, limit: listLimit });
    for (const warning of warnings) io.stderr.write(`${warning}\n`);
    if (events.length === 0) {
      io.stdout.write(`No bounces or complaints${edition ? ` for ${edition}` : ''}.\n`);
      return 0;
    }
    const rows = events.map((event) => [
      event.at,
      event.kind,
      event.source,
      event.edition ?? '-',
      event.status ?? '-',
      showAddresses && event.address ? event.address : event.hash,
    ]);
    const header = [
      'at',
      'kind',
      'source',
      'edition',
      'status',
      showAddresses ? 'recipient' : 'recipient hash',
    ];
    const widths = header.map((h, i) =>
      Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)),
    );
    const line = (cells: string[]) =>
      cells
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd();
    io.stdout.write(`${line(header)}\n`);
    for (const row of rows) io.stdout.write(`${line(row)}\n`);
    if (events.length === listLimit)
      io.stdout.write(`(the latest ${listLimit}; --edition ID narrows it)\n`);
    return 0;
  } finally {
    await store?.close();
  }
}

/** The store the rest of the CLI uses, if there is one; an unusable URL is a usage error. */
async function existingStore(env: NodeJS.ProcessEnv, root: string): Promise<Store | undefined> {
  return databaseUrlAsUsage(openExistingStore(env, root));
}

/** `bounces import PATH`: every report in the mailbox through the policy, then the counts. */
async function importMailbox(root: string, mailbox: string, io: Io): Promise<number> {
  const { config, file } = await loadConfig(root);
  if (file.messages.length > 0) {
    for (const message of file.messages) io.stderr.write(`${String(message)}\n`);
    if (file.messages.some((message) => message.fatal !== false)) return 1;
  }
  const { secret, warning } = secretFromEnv(io.env);
  if (warning) io.stderr.write(`warning: ${warning}\n`);
  // Without a store the outcomes go to archive/suppressions.jsonl and archive/bounces.jsonl.
  const store = await existingStore(io.env, root);
  try {
    const apply = applyBounceEvents({ root, config, store, secret, now: io.now });
    let result: Awaited<ReturnType<typeof importBounces>>;
    try {
      result = await importBounces(mailbox, apply, {
        bounceDomain: config.bounces.domain,
        contentRoot: root,
        now: io.now,
        ...(io.signal ? { signal: io.signal } : {}),
      });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (error instanceof MailboxError || code === 'ENOENT' || code === 'EACCES') {
        const shown = path.relative(io.cwd, mailbox) || '.';
        io.stderr.write(
          `storyline bounces import: cannot read ${shown}: ${error instanceof MailboxError ? error.message : code}\n`,
        );
        return 1;
      }
      throw error;
    }
    const ignored = Object.entries(result.ignored)
      .map(([reason, n]) => `${n} ${reason}`)
      .join(', ');
    io.stdout.write(
      `${result.messages} message${result.messages === 1 ? '' : 's'} (${result.format}), ${result.events} event${result.events === 1 ? '' : 's'}: ${result.applied} applied, ${result.duplicates} duplicate${result.duplicates === 1 ? '' : 's'}, ${result.unmatched} unmatched\n`,
    );
    io.stdout.write(`ignored: ${ignored || 'none'}\n`);
    io.stdout.write(
      `recorded in ${store ? `the subscriber store (${store.engine})` : 'archive/suppressions.jsonl and archive/bounces.jsonl'}\n`,
    );
    return 0;
  } finally {
    await store?.close();
  }
}
