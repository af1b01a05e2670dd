import path from 'node:path';
import type { CommandContext, OptionValues } from '../cli/CommandContext.js';
import { databaseUrlAsUsage } from '../cli/databaseUrlAsUsage.js';
import type { Io } from '../cli/Io.js';
import { UsageError } from '../cli/UsageError.js';
import { secretFromEnv } from '../deliver/secret.js';
import { formatProblem } from '../diagnostics/formatProblem.js';
import { type SubscriberStatus, subscriberStatuses } from '../store/Database.js';
import type { Store } from '../store/Store.js';
import { addSubscriber } from '../usecases/addSubscriber.js';
import { countSubscribers } from '../usecases/countSubscribers.js';
import { eraseSubscriberData } from '../usecases/eraseSubscriberData.js';
import { type ExportFormat, exportSubscribers } from '../usecases/exportSubscribers.js';
import { importSubscribers } from '../usecases/importSubscribers.js';
import { openSubscriberStore } from '../usecases/openSubscriberStore.js';
import { showSubscriber } from '../usecases/showSubscriber.js';
import { unsubscribe } from '../usecases/unsubscribe.js';

/** Each action, its argument (if any) and the options it takes. */
const actions = {
  import: { arg: 'FILE.csv', options: [] },
  export: { arg: undefined, options: ['format', 'status'] },
  add: { arg: 'EMAIL', options: ['name'] },
  unsubscribe: { arg: 'EMAIL|TOKEN', options: [] },
  show: { arg: 'EMAIL', options: [] },
  erase: { arg: 'EMAIL', options: [] },
  count: { arg: undefined, options: ['status'] },
} as const satisfies Record<string, { arg: string | undefined; options: readonly string[] }>;
type Action = keyof typeof actions;

/** `storyline subscribers <action>`: the subscriber store, one action a run. */
export async function run({ values, positionals, io }: CommandContext): Promise<number> {
  const root = path.resolve(io.cwd, typeof values.root === 'string' ? values.root : '.');
  const [name, arg] = positionals;
  const action = parseAction(name, arg, values);
  // Checked before the store is opened, so a mistyped option creates no database.
  const status = parseStatus(values.status);
  const format = values.format ?? 'csv';
  if (format !== 'csv' && format !== 'json')
    throw new UsageError('Unexpected --format, expected csv or json');
  const store = await databaseUrlAsUsage(openSubscriberStore(io.env, root));
  try {
    return await runAction(action, arg ?? '', values, { store, root, io, status, format });
  } finally {
    await store.close();
  }
}

function parseAction(name: string | undefined, arg: string | undefined, values: OptionValues) {
  if (name === undefined || !Object.hasOwn(actions, name))
    throw new UsageError(
      `Unexpected action${name === undefined ? '' : ` \`${name}\``}, expected one of ${Object.keys(actions).join(', ')}`,
    );
  const action = name as Action;
  const spec: { arg: string | undefined; options: readonly string[] } = actions[action];
  if (spec.arg !== undefined && !arg?.trim())
    throw new UsageError(`missing ${spec.arg} after \`${action}\``);
  if (spec.arg === undefined && arg !== undefined)
    throw new UsageError(`unexpected argument \`${arg}\`: \`${action}\` takes none`);
  for (const option of ['name', 'format', 'status'])
    if (values[option] !== undefined && !spec.options.includes(option))
      throw new UsageError(`option \`--${option}\` does not go with \`${action}\``);
  return action;
}

function parseStatus(value: unknown): SubscriberStatus | undefined {
  if (value === undefined) return undefined;
  if (!subscriberStatuses.includes(value as SubscriberStatus))
    throw new UsageError(`Unexpected --status, expected one of ${subscriberStatuses.join(', ')}`);
  return value as SubscriberStatus;
}

function secret(io: Io): string {
  const resolved = secretFromEnv(io.env);
  if (resolved.warning) io.stderr.write(`warning: ${resolved.warning}\n`);
  return resolved.secret;
}

async function runAction(
  action: Action,
  arg: string,
  values: OptionValues,
  context: {
    store: Store;
    root: string;
    io: Io;
    status: SubscriberStatus | undefined;
    format: ExportFormat;
  },
): Promise<number> {
  const { store, root, io, status, format } = context;
  const out = (line: string) => io.stdout.write(`${line}\n`);
  const fail = (line: string) => {
    io.stderr.write(`storyline subscribers: ${line}\n`);
    return 1;
  };
  switch (action) {
    case 'import': {
      const file = path.resolve(io.cwd, arg);
      const result = await importSubscribers(store, { file, secret: secret(io), now: io.now() });
      if (result.kind === 'unreadable')
        return fail(
          `Unexpected ${result.reason} \`${arg}\`, expected a CSV file with an \`email\` column`,
        );
      for (const problem of result.problems) io.stderr.write(`${formatProblem(problem, io.cwd)}\n`);
      const c = result.counts;
      out(
        `Imported ${arg}: ${c.added} added, ${c.updated} updated, ${c.unchanged} unchanged, ${c.suppressed} skipped as suppressed, ${c.inactive} skipped as unsubscribed, bounced or complained, ${c.badRows} bad row${c.badRows === 1 ? '' : 's'} skipped`,
      );
      return result.fatal ? 1 : 0;
    }
    case 'export': {
      for await (const chunk of exportSubscribers(store, { format, status }))
        if (!io.stdout.write(chunk))
          await new Promise((resolve) => io.stdout.once('drain', resolve));
      return 0;
    }
    case 'add': {
      const name = typeof values.name === 'string' ? values.name : undefined;
      const result = await addSubscriber(store, {
        address: arg,
        name,
        secret: secret(io),
        now: io.now(),
      });
      // Addresses are not echoed: this may run in a CI log that others can read.
      switch (result.kind) {
        case 'added':
          out('Added: active from now on');
          return 0;
        case 'updated':
          out('Already subscribed: name updated');
          return 0;
        case 'unchanged':
          out('Already subscribed: nothing changed');
          return 0;
        case 'inactive':
          return fail(
            `Unexpected ${result.status} subscriber, expected a new address; someone who left is not added back by hand: they subscribe again themselves`,
          );
        case 'suppressed':
          return fail(
            'Unexpected suppressed address (unsubscribed, bounced or erased), expected one that may be mailed; it stays suppressed',
          );
        case 'invalid-address':
          return fail(`${result.problem}`);
      }
      break;
    }
    case 'unsubscribe': {
      // The operator's own command: an address or a link's token both do.
      const who = arg.includes('@') ? { address: arg } : { token: arg };
      const result = await unsubscribe({ root, who, secret: secret(io), now: io.now(), store });
      switch (result) {
        case 'added':
          out(
            'Unsubscribed: no later edition will be mailed to that address (the store and archive/suppressions.jsonl hold it)',
          );
          return 0;
        case 'already':
          out('Already unsubscribed: nothing changed');
          return 0;
        case 'invalid-token':
          return fail(
            'Unexpected token that does not verify, expected an address or the `token` value from an unsubscribe link made with this STORYLINE_SECRET',
          );
        case 'invalid-address':
          return fail('Unexpected address, expected one such as reader@example.org');
      }
      break;
    }
    case 'show': {
      const record = await showSubscriber(store, { address: arg, secret: secret(io) });
      out(JSON.stringify(record, null, 2));
      return 0;
    }
    case 'erase': {
      const result = await eraseSubscriberData(store, {
        address: arg,
        secret: secret(io),
        now: io.now(),
      });
      out(
        result === 'erased'
          ? 'Erased: their data is deleted; a suppression by address hash keeps them from being mailed or imported again'
          : 'Not in the store: nothing to delete; a suppression by address hash keeps them from being mailed or imported',
      );
      return 0;
    }
    case 'count': {
      const counts = await countSubscribers(store, status);
      for (const [status, count] of Object.entries(counts)) out(`${status}: ${count}`);
      return 0;
    }
  }
  return 1;
}
