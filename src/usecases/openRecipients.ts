import path from 'node:path';
import { csvRecipients, type RecipientSource } from '../deliver/recipientQueue.js';
import { resolveSubscriberSource, type SubscriberSource } from '../deliver/subscriberSource.js';
import { parseDatabaseUrl, type StoreTarget } from '../store/databaseUrl.js';
import type { Store } from '../store/Store.js';
import { storeFlag } from './storeFlag.js';

/** Who a send goes to, CSV or store, with what the store adds to a send. */
export interface OpenRecipients {
  /** For the preflight and messages; the store's is described, never a password. */
  source: SubscriberSource;
  recipients: RecipientSource;
  /** Set when the list is the store. */
  store?: Store | undefined;
  close(): Promise<void>;
}

/** Open the list, run `work` on it, and close it whatever happens: for a send and its dry run. */
export async function withRecipients<T>(
  options: Parameters<typeof openRecipients>[0],
  work: (list: OpenRecipients) => Promise<T>,
): Promise<T> {
  const list = await openRecipients(options);
  try {
    return await work(list);
  } finally {
    await list.close();
  }
}

/**
 * The list a send, `--dry-run` or `publish` mails: the store when
 * `--subscribers db` is given, or no other list is given by flag and
 * `STORYLINE_DATABASE_URL` is set; otherwise a CSV, as `resolveSubscriberSource` picks it.
 */
export async function openRecipients(options: {
  root: string;
  flag?: string | undefined;
  env: NodeJS.ProcessEnv;
}): Promise<OpenRecipients> {
  const { root, flag, env } = options;
  const url = env.STORYLINE_DATABASE_URL?.trim() ?? '';
  const useStore = flag === storeFlag || ((flag === undefined || flag === '') && url !== '');
  if (!useStore) {
    const source = await resolveSubscriberSource({ root, flag, env });
    return { source, recipients: csvRecipients(source.path), close: async () => {} };
  }
  const target = parseDatabaseUrl(url, root);
  // The store's modules (Kysely, pg, better-sqlite3: about 15 MB) are loaded
  // only for a send from the store, never for one from a CSV.
  const [{ openStore }, { streamActive }, { countActive }] = await Promise.all([
    import('../store/openStore.js'),
    import('../store/streamActive.js'),
    import('../store/countActive.js'),
  ]);
  const store = await openStore(target);
  const recipients: RecipientSource = async function* ({ activeAt }) {
    for await (const subscriber of streamActive(store, 1000, activeAt)) {
      yield {
        email: subscriber.address,
        name: subscriber.name,
        fields: subscriber.attributes,
      };
    }
  };
  // The total for progress, without reading the list an extra time.
  recipients.count = (activeAt) => countActive(store, activeAt);
  return {
    source: { path: describeStore(target, root), origin: 'store' },
    recipients,
    store,
    close: () => store.close(),
  };
}

/** What a send adds to the store: its suppressions honoured, bounces and deliveries written back. */
export async function storeSendHooks(
  store: Store,
  secret: string,
  editionId: string,
  now: () => Date,
) {
  const [{ addSuppression }, { markDeliveredTo }, { setStatus }, { suppressedHashes }] =
    await Promise.all([
      import('../store/addSuppression.js'),
      import('../store/markDeliveredTo.js'),
      import('../store/setStatus.js'),
      import('../store/suppressedHashes.js'),
    ]);
  return {
    alsoSuppressed: await suppressedHashes(store, secret),
    onBounced: async (subscriber: { email: string }) => {
      await setStatus(store, subscriber.email, 'bounced', { source: 'send', now: now() });
      await addSuppression(store, {
        address: subscriber.email,
        reason: 'bounced',
        secret,
        now: now(),
      });
    },
    onDelivered: (subscribers: readonly { email: string }[]) =>
      markDeliveredTo(
        store,
        subscribers.map((s) => s.email),
        editionId,
        now(),
      ),
  };
}

function describeStore(target: StoreTarget, root: string): string {
  if (target.engine === 'sqlite') {
    const file =
      target.file === ':memory:' ? target.file : path.relative(root, target.file) || target.file;
    return `subscriber store (SQLite ${file})`;
  }
  // Host and database only: the URL may hold a password.
  const url = new URL(target.connectionString);
  return `subscriber store (PostgreSQL ${url.host}${url.pathname})`;
}
