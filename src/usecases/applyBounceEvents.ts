import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type {
  AppliedBounces,
  ApplyBounceEvents,
  BounceEvent,
  BounceKind,
} from '../bounces/BounceEvent.js';
import { bounceEventKey } from '../bounces/bounceEventKey.js';
import { type OriginalMessage, parseOriginalMessageId } from '../bounces/parseOriginalMessageId.js';
import { decodeVerpId, editionTag } from '../bounces/verpId.js';
import type { Config } from '../config/configSchema.js';
import { catchUpEditionId } from '../edition/planCatchUp.js';
import { addressHash } from '../ledger/addressHash.js';
import { editionDir, isJournalName } from '../ledger/archivePaths.js';
import { appendBounceLog, readBounceLog } from '../ledger/bounceLog.js';
import type { BounceLogEntry } from '../ledger/bounceLogSchema.js';
import { Journal } from '../ledger/Journal.js';
import { OtherSecretError } from '../ledger/OtherSecretError.js';
import { readLedger } from '../ledger/readLedger.js';
import { secretId } from '../ledger/secretId.js';
import { appendSuppression } from '../ledger/suppressions.js';
import type { EventKind, SubscriberStatus } from '../store/Database.js';
import { findByAddressHash } from '../store/findByAddressHash.js';
import { indexAddressHashes } from '../store/indexAddressHashes.js';
import { insertBounceEvent } from '../store/insertBounceEvent.js';
import { insertHashSuppression } from '../store/insertHashSuppression.js';
import { recordSubscriberBounce } from '../store/recordSubscriberBounce.js';
import type { Store } from '../store/Store.js';
import { softBounceEditions } from '../store/softBounceEditions.js';

export interface ApplyBounceEventsOptions {
  /** The content root: the ledger's editions and journals, and, without a store, `archive/`. */
  root: string;
  /** Only the soft-bounce rule: webhooks and the VERP domain are not the policy's. */
  config: { bounces: Pick<Config['bounces'], 'soft'> };
  /** The subscriber store; without one the outcomes go to `archive/`. */
  store?: Store | undefined;
  /** `STORYLINE_SECRET`: VERP ids, Message-IDs and the logs hold HMACs under it. */
  secret: string;
  now: () => Date;
}

/** Who an event is about, once matched. */
interface Match {
  hash: string;
  edition: string | undefined;
  subscriber?: { id: number; status: SubscriberStatus } | undefined;
}

/** Sources whose reports are authenticated (signed webhooks): an address alone is believed. */
const authenticatedSources = new Set<BounceEvent['source']>([
  'ses',
  'postmark',
  'mailgun',
  'sendgrid',
]);

/** The subscriber event each kind of report appends. */
const eventKindFor: Record<BounceKind, EventKind> = {
  hard: 'bounced',
  soft: 'soft-bounced',
  complaint: 'complained',
};

/**
 * The one bounce policy every source feeds (DSNs, ARF reports, webhooks).
 * Each event is matched to a recipient: by its VERP id (edition and address
 * hash), else the original Message-ID (edition and hash prefix, completed
 * from the edition's journal or the store), else, for authenticated
 * webhooks only, the address. A mailed report that names nobody by VERP or
 * Message-ID is unmatched: anyone can mail a DSN naming any address, and
 * only the keyed ids prove storyline sent the message. Then, once per
 * source and event id: a hard bounce marks the subscriber `bounced` and
 * suppresses the address; a soft one suppresses once `bounces.soft.count`
 * of the last `bounces.soft.of` editions had one; a complaint marks them
 * `complained` (no longer mailed, as unsubscribed) and suppresses. With a
 * store, everything happens in its tables, one transaction per event; without
 * one, in `archive/suppressions.jsonl` and `archive/bounces.jsonl`, hashes only.
 */
export function applyBounceEvents(options: ApplyBounceEventsOptions): ApplyBounceEvents {
  // Subscribers hashed so far: each batch hashes only those added since (a
  // burst of DSNs into `serve` is one batch per message).
  const indexed = { through: 0 };
  return async (events) => {
    const result: AppliedBounces = { applied: 0, duplicates: 0, unmatched: 0 };
    if (events.length === 0) return result;
    const context = await openContext(options, indexed);
    const log = options.store ? undefined : await readBounceLog(options.root, context.key);
    const seen = new Set(log?.entries.map((entry) => entry.event));
    const softByHash = new Map<string, Set<string>>();
    for (const entry of log?.entries ?? []) {
      if (entry.kind === 'soft' && entry.edition !== undefined) {
        addTo(softByHash, entry.hash, entry.edition);
      }
    }
    const newEntries: BounceLogEntry[] = [];
    for (const event of events) {
      const match = await context.match(event);
      if (!match) {
        result.unmatched++;
        continue;
      }
      const edition = match.edition ?? context.editionAt(event.at);
      const eventKey = bounceEventKey(event.source, event.eventId, options.secret);
      const at = validTime(event.at) ?? options.now().toISOString();
      const status = /^[245]\.\d{1,3}\.\d{1,3}$/.test(event.status ?? '')
        ? event.status
        : undefined;
      const { store } = options;
      if (store) {
        const applied = await store.db.transaction().execute(async (trx) => {
          const inserted = await insertBounceEvent(trx, {
            source: event.source,
            event_key: eventKey,
            kind: event.kind,
            edition: edition ?? null,
            subscriber_id: match.subscriber?.id ?? null,
            address_hash: match.hash,
            status: status ?? null,
            at,
            received_at: options.now().toISOString(),
          });
          if (!inserted) return false;
          const suppress =
            event.kind !== 'soft' ||
            (await softBounceEditions(trx, match.hash, context.lastEditions)).size >=
              options.config.bounces.soft.count;
          if (match.subscriber) {
            await recordSubscriberBounce(trx, {
              subscriberId: match.subscriber.id,
              kind: eventKindFor[event.kind],
              source: event.source,
              at,
              ...(suppress ? { status: statusChange(event.kind) } : {}),
            });
          }
          if (suppress) {
            await insertHashSuppression(trx, {
              hash: match.hash,
              key: context.key,
              reason: event.kind === 'complaint' ? 'complained' : 'bounced',
              at,
            });
          }
          return true;
        });
        if (applied) result.applied++;
        else result.duplicates++;
        continue;
      }
      if (seen.has(eventKey)) {
        result.duplicates++;
        continue;
      }
      seen.add(eventKey);
      if (event.kind === 'soft' && edition !== undefined) addTo(softByHash, match.hash, edition);
      const softEditions = softByHash.get(match.hash) ?? new Set<string>();
      const suppress =
        event.kind !== 'soft' ||
        context.lastEditions.filter((id) => softEditions.has(id)).length >=
          options.config.bounces.soft.count;
      // The suppression before the log line: a crash between them applies
      // the event again on a retry (a second suppression line is harmless),
      // never records it as seen without its suppression.
      if (suppress) {
        await appendSuppression(options.root, {
          hash: match.hash,
          reason: event.kind === 'complaint' ? 'complained' : 'bounced',
          at,
          key: context.key,
        });
      }
      newEntries.push({
        event: eventKey,
        source: event.source,
        kind: event.kind,
        ...(edition !== undefined ? { edition } : {}),
        hash: match.hash,
        ...(status !== undefined ? { status } : {}),
        at,
        key: context.key,
      });
      result.applied++;
    }
    await appendBounceLog(options.root, newEntries);
    return result;
  };
}

/** Hard bounces and repeated soft ones end a subscription as `bounced`; complaints as `complained`. */
function statusChange(kind: BounceKind): {
  to: SubscriberStatus;
  from: readonly SubscriberStatus[];
  event: EventKind;
} {
  return kind === 'complaint'
    ? {
        to: 'complained',
        from: ['pending', 'active', 'unsubscribed', 'bounced'],
        event: 'complained',
      }
    : // An unsubscribed or complained subscriber keeps what they chose.
      { to: 'bounced', from: ['pending', 'active'], event: 'bounced' };
}

/** What matching needs, read once per batch. */
async function openContext(options: ApplyBounceEventsOptions, indexed: { through: number }) {
  const { root, store, secret } = options;
  const key = secretId(secret);
  const { editions } = (await readLedger(root)).ledger;
  const known = new Set(editions.map((edition) => edition.id));
  const byTag = new Map<string, string>([[editionTag(catchUpEditionId), catchUpEditionId]]);
  for (const edition of editions) byTag.set(editionTag(edition.id), edition.id);
  const started = editions
    .map((edition) => ({ id: edition.id, at: Date.parse(edition.startedAt) }))
    .filter((edition) => !Number.isNaN(edition.at));
  const lastEditions = editions.slice(-options.config.bounces.soft.of).map((edition) => edition.id);
  // New subscribers since the last batch get their hash, so the lookups below are by index.
  if (store) indexed.through = (await indexAddressHashes(store, secret, indexed.through)).through;
  const journals = new Map<string, Map<string, string | undefined>>();

  /** The full hash a Message-ID's 16-character prefix stands for, from the edition's journals. */
  const fromJournals = async (editionId: string, prefix: string) => {
    let prefixes = journals.get(editionId);
    if (!prefixes) {
      prefixes = new Map();
      journals.set(editionId, prefixes);
      const dir = editionDir(root, editionId);
      const names = await readdir(dir).catch(() => [] as string[]);
      for (const name of names.filter(isJournalName)) {
        try {
          for (const hash of Journal.hashes(path.join(dir, name), key)) {
            const short = hash.slice(0, prefix.length);
            // Two recipients sharing a prefix cannot be told apart: neither is chosen.
            const known = prefixes.has(short);
            prefixes.set(short, !known || prefixes.get(short) === hash ? hash : undefined);
          }
        } catch (error) {
          // Written under another secret: its hashes match nobody now.
          if (error instanceof OtherSecretError) continue;
          throw error;
        }
      }
    }
    return prefixes.get(prefix);
  };

  const withSubscriber = async (hash: string, edition: string | undefined): Promise<Match> => {
    const found = store && (await findByAddressHash(store.db, hash, secret));
    return { hash, edition, subscriber: found && { id: found.id, status: found.status } };
  };

  const byMessageId = async (original: OriginalMessage): Promise<Match | undefined> => {
    if (original.kind === 'catch-up') {
      if (!store) return undefined;
      const row = await store.db
        .selectFrom('catch_ups')
        .innerJoin('subscribers', 'subscribers.id', 'catch_ups.subscriber_id')
        .select(['subscribers.id', 'subscribers.address', 'subscribers.status'])
        .where('catch_ups.message_id', '=', original.messageId)
        .executeTakeFirst();
      if (!row) return undefined;
      return {
        hash: addressHash(row.address, secret),
        edition: catchUpEditionId,
        subscriber: { id: Number(row.id), status: row.status },
      };
    }
    // Only an edition the ledger knows: the id becomes a path.
    if (!known.has(original.editionId)) return undefined;
    const hash = await fromJournals(original.editionId, original.hashPrefix);
    if (hash) return withSubscriber(hash, original.editionId);
    const found =
      store && (await findByAddressHash(store.db, original.hashPrefix, secret, { prefix: true }));
    return found
      ? {
          hash: found.hash,
          edition: original.editionId,
          subscriber: { id: found.id, status: found.status },
        }
      : undefined;
  };

  const match = async (event: BounceEvent): Promise<Match | undefined> => {
    const { recipient } = event;
    const verp = recipient.verp === undefined ? undefined : decodeVerpId(recipient.verp);
    if (verp) return withSubscriber(verp.hash, byTag.get(verp.tag));
    const original =
      recipient.messageId === undefined
        ? undefined
        : parseOriginalMessageId(recipient.messageId, catchUpEditionId);
    const matched = original && (await byMessageId(original));
    if (matched) return matched;
    if (recipient.address && authenticatedSources.has(event.source)) {
      return withSubscriber(addressHash(recipient.address, secret), undefined);
    }
    return undefined;
  };

  /** The edition a report without one is counted under: the last one started by then. */
  const editionAt = (at: string): string | undefined => {
    const time = Date.parse(at);
    if (Number.isNaN(time)) return editions.at(-1)?.id;
    return started.filter((edition) => edition.at <= time).at(-1)?.id;
  };

  return { key, match, editionAt, lastEditions };
}

function addTo(map: Map<string, Set<string>>, key: string, value: string): void {
  const set = map.get(key) ?? new Set<string>();
  set.add(value);
  map.set(key, set);
}

/** The report's time as ISO 8601, or undefined when it cannot be read. */
function validTime(at: string): string | undefined {
  const time = Date.parse(at);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}
