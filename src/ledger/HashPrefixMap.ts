export interface HashPrefixMapOptions {
  /**
   * The bytes a key is known by: its first `words` × 4. Default: an address
   * hash (22 base64url characters) decoded; its first 12 bytes are exact.
   */
  digest?: ((key: string) => Uint8Array) | undefined;
  /** 32-bit words kept per key, 1 to 4 (default 3: 96 bits). */
  words?: number | undefined;
  /** Keep a 32-bit value per key (a map); a set does without. */
  values?: boolean | undefined;
  /**
   * About how many keys will be added, when known: the table starts large
   * enough for them, so it does not double on the way there (a doubling
   * holds the old table and the new at once, 1.5× the final size).
   */
  expectedSize?: number | undefined;
  /**
   * Test only: keep just the first `keyBits` bits of each key, so that
   * different hashes collide on purpose and the documented false positive
   * can be shown.
   */
  keyBits?: number | undefined;
}

const initialCapacity = 1024;
/** Linear probing stays short (under 3 probes for a hit on average) below this. */
const maxLoad = 0.75;

/**
 * A set of address hashes, or a map from them to a 32-bit value, held as
 * fixed-width prefixes in typed arrays: an open-addressing table with linear
 * probing that doubles when three quarters full. 17 bytes a slot with values
 * (13 without); sized for a million keys up front, it has 1,333,334 slots
 * and takes about 23 MB, where a `Map` of the 22-character strings takes
 * about 90 MB and a heap object per key for the collector to walk.
 *
 * A key is known only by its first 96 bits (by default), so two different
 * hashes that share them are one key: a lookup can say yes for a hash never
 * added. For uniformly distributed keys (HMAC-SHA256 or SHA-256 digests) the
 * chance that any of `n` lookups meets such a twin among `m` keys is at most
 * n·m / 2^96: 1.3 × 10^-17 for a million against a million, a million times
 * less likely than a single undetected memory error in the same run. That is
 * why the callers that skip someone on a yes (the journal's done set, the
 * suppressions, the duplicate check) accept it rather than keep the full
 * hash, which would double the memory.
 */
export class HashPrefixMap {
  readonly #digest: (key: string) => Uint8Array;
  readonly #words: number;
  /** Per word, the bits kept (all 32 except in the test-only narrow form). */
  readonly #masks: number[];
  #keys: Uint32Array;
  #values: Uint32Array | undefined;
  #used: Uint8Array;
  #size = 0;
  /** Scratch for the key being looked up, so a lookup allocates nothing. */
  readonly #probe: Uint32Array;

  constructor(options: HashPrefixMapOptions = {}) {
    const words = options.words ?? 3;
    if (!Number.isInteger(words) || words < 1 || words > 4) {
      throw new RangeError(`Unexpected ${words} words per key, expected 1 to 4`);
    }
    this.#digest = options.digest ?? fromBase64url;
    this.#words = words;
    const keyBits = options.keyBits ?? words * 32;
    this.#masks = Array.from({ length: words }, (_, index) => {
      const bits = Math.max(0, Math.min(32, keyBits - index * 32));
      return bits === 0 ? 0 : bits === 32 ? 0xffffffff : (0xffffffff << (32 - bits)) >>> 0;
    });
    this.#probe = new Uint32Array(words);
    const capacity = capacityFor(options.expectedSize ?? 0);
    this.#keys = new Uint32Array(capacity * words);
    this.#values = options.values ? new Uint32Array(capacity) : undefined;
    this.#used = new Uint8Array(capacity);
  }

  /** How many distinct keys (as far as their prefixes tell them apart). */
  get size(): number {
    return this.#size;
  }

  /** Slots in the table: it doubles when more than three quarters are used. */
  get capacity(): number {
    return this.#used.length;
  }

  has(key: string): boolean {
    return this.#find(key) >= 0;
  }

  /** The value of `key`, or undefined when absent (always 0 for a set). */
  get(key: string): number | undefined {
    const slot = this.#find(key);
    if (slot < 0) return undefined;
    return this.#values?.[slot] ?? 0;
  }

  /** Add `key` (a set), keeping its value if it is there already. */
  add(key: string): this {
    const slot = this.#find(key);
    if (slot < 0) this.#insert(-slot - 1, 0);
    return this;
  }

  /** Add or replace `key`'s value (an unsigned 32-bit integer). */
  set(key: string, value: number): this {
    const slot = this.#find(key);
    if (slot >= 0) {
      if (this.#values) this.#values[slot] = value;
    } else {
      this.#insert(-slot - 1, value);
    }
    return this;
  }

  /** Every value, in no particular order (zeros for a set). */
  *values(): Generator<number> {
    for (let slot = 0; slot < this.#used.length; slot++) {
      if (this.#used[slot]) yield this.#values?.[slot] ?? 0;
    }
  }

  /**
   * The slot holding `key` (≥ 0), or -(the empty slot it would go in) - 1.
   * Leaves the key's words in `#probe` for `#insert`.
   */
  #find(key: string): number {
    const digest = this.#digest(key);
    const words = this.#words;
    if (digest.length < words * 4) {
      throw new RangeError(
        `Unexpected key of ${digest.length} bytes, expected at least ${words * 4}`,
      );
    }
    const probe = this.#probe;
    for (let w = 0; w < words; w++) {
      const i = w * 4;
      const word =
        (((digest[i] ?? 0) << 24) |
          ((digest[i + 1] ?? 0) << 16) |
          ((digest[i + 2] ?? 0) << 8) |
          (digest[i + 3] ?? 0)) >>>
        0;
      probe[w] = (word & (this.#masks[w] ?? 0)) >>> 0;
    }
    return this.#slotOf(probe, this.#keys, this.#used);
  }

  #slotOf(probe: Uint32Array, keys: Uint32Array, used: Uint8Array): number {
    const words = this.#words;
    const capacity = used.length;
    let slot = bucket(probe, capacity);
    for (;;) {
      if (!used[slot]) return -slot - 1;
      let same = true;
      for (let w = 0; w < words; w++) {
        if (keys[slot * words + w] !== probe[w]) {
          same = false;
          break;
        }
      }
      if (same) return slot;
      slot = slot + 1 === capacity ? 0 : slot + 1;
    }
  }

  #insert(slot: number, value: number): void {
    const words = this.#words;
    this.#keys.set(this.#probe, slot * words);
    if (this.#values) this.#values[slot] = value;
    this.#used[slot] = 1;
    this.#size++;
    if (this.#size > this.#used.length * maxLoad) this.#grow();
  }

  /** Double the table: each key goes to its slot in the larger one. */
  #grow(): void {
    const words = this.#words;
    const oldKeys = this.#keys;
    const oldValues = this.#values;
    const oldUsed = this.#used;
    const capacity = oldUsed.length * 2;
    const keys = new Uint32Array(capacity * words);
    const values = oldValues ? new Uint32Array(capacity) : undefined;
    const used = new Uint8Array(capacity);
    const key = new Uint32Array(words);
    for (let old = 0; old < oldUsed.length; old++) {
      if (!oldUsed[old]) continue;
      key.set(oldKeys.subarray(old * words, old * words + words));
      const slot = -this.#slotOf(key, keys, used) - 1;
      keys.set(key, slot * words);
      if (values && oldValues) values[slot] = oldValues[old] ?? 0;
      used[slot] = 1;
    }
    this.#keys = keys;
    this.#values = values;
    this.#used = used;
  }
}

/**
 * The fewest slots, at least the initial capacity, that hold `size` keys
 * without growing: not rounded up to a power of two (which at a million keys
 * would be 2^21 slots, 36 MB, where 1,333,334 slots take 23 MB), since
 * `bucket` maps a key onto any number of slots.
 */
function capacityFor(size: number): number {
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new RangeError(`Unexpected expected size ${size}, expected a whole number ≥ 0`);
  }
  return Math.max(initialCapacity, Math.ceil(size / maxLoad));
}

/**
 * A slot in `[0, capacity)` for a key: the key's words mixed into 32 bits (so
 * that keys narrowed in tests still spread), then scaled onto the table by
 * multiplying (Lemire's fast range reduction), which needs no power of two.
 * The product stays under 2^53 for any table that fits in memory, so it is exact.
 */
function bucket(key: Uint32Array, capacity: number): number {
  let h = Math.imul((key[0] ?? 0) ^ 0x9e3779b9, 0x85ebca6b);
  for (let w = 1; w < key.length; w++) h = Math.imul(h ^ (key[w] ?? 0), 0xc2b2ae35);
  return Math.floor((((h ^ (h >>> 16)) >>> 0) * capacity) / 0x1_0000_0000);
}

function fromBase64url(key: string): Uint8Array {
  return Buffer.from(key, 'base64url');
}
