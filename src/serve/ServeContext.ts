import type { Config } from '../config/configSchema.js';
import type { Transport } from '../deliver/transports/Transport.js';
import type { Store } from '../store/Store.js';

/** What every route of `storyline serve` works with. */
export interface ServeContext {
  root: string;
  config: Config;
  store: Store;
  /** `STORYLINE_SECRET`: unsubscribe tokens and address hashes. */
  secret: string;
  /** Where confirmation mails go: the transport from the environment. */
  transport: Transport;
  now: () => Date;
  /** Where readers reach the service, ending in `/`: links in mails and pages are made under it. */
  publicUrl: () => string;
  /**
   * Whether unsubscribes also go to `archive/suppressions.jsonl`: true
   * unless `STORYLINE_DATABASE_URL` names the store every send reads.
   */
  suppressionsFile: boolean;
  onConfirmed: ((subscriberId: number) => void) | undefined;
  /** Keeps work that outlives its request (a confirmation mail) until the service closes. */
  track(work: Promise<unknown>): void;
  /** One structured log line; never given an address. */
  log(entry: Record<string, unknown>): void;
}
