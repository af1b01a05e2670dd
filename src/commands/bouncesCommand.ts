import { existsSync } from 'node:fs';
import path from 'node:path';
import type { CommandContext } from '../cli/CommandContext.js';
import { UsageError } from '../cli/UsageError.js';
import { DatabaseUrlError, parseDatabaseUrl } from '../store/databaseUrl.js';
import type { Store } from '../store/Store.js';
import { listBounces } from '../usecases/listBounces.js';
import { openSubscriberStore } from '../usecases/openSubscriberStore.js';

/** The actions there are; `import` joins them when the mailbox reader is wired in. */
const actions = ['list'] as const;

/** How many events `list` shows. */
const listLimit = 50;

/** `storyline bounces list`: the latest bounces and complaints, hashes unless asked for addresses. */
export async function run({ values, positionals, io }: CommandContext): Promise<number> {
  const root = path.resolve(io.cwd, typeof values.root === 'string' ? values.root : '.');
  const [action, extra] = positionals;
  if (action === undefined || !(actions as readonly string[]).includes(action))
    throw new UsageError(
      `Unexpected action${action === undefined ? '' : ` \`${action}\``}, expected ${actions.join(', ')}`,
    );
  if (extra !== undefined)
    throw new UsageError(`unexpected argument \`${extra}\`: \`${action}\` takes none`);
  const edition = typeof values.edition === 'string' ? values.edition : undefined;
  const showAddresses = values['show-addresses'] === true;
  let store: Store | undefined;
  try {
    const target = parseDatabaseUrl(io.env.STORYLINE_DATABASE_URL, root);
    // The embedded store only when it exists: listing creates no database.
    if (target.engine !== 'sqlite' || existsSync(target.file)) {
      store = await openSubscriberStore(io.env, root);
    }
  } catch (error) {
    if (error instanceof DatabaseUrlError) throw new UsageError(error.message);
    throw error;
  }
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
