import v8 from 'node:v8';

/**
 * For a command that streams a list of millions: V8 lets its old generation
 * grow to several times what is live before collecting, so a stream that
 * holds ~40 MB reached 250 MB of uncollected pages and rows at 200,000
 * recipients. Growing by half at most keeps the peak near what is live
 * (180 MB there, 1.1× the CPU: docs/benchmarks.md, "Store"). V8 reads this
 * flag at each collection, so setting it once the process runs takes effect.
 */
export function keepHeapFlat(): void {
  v8.setFlagsFromString('--heap-growing-percent=50');
}
