import v8 from 'node:v8';

/** Whether `keepHeapFlat` was asked for in this process. */
let kept = false;

/**
 * For a command that streams a list of millions: V8 lets its old generation
 * grow to several times what is live before collecting, so a stream that
 * holds ~40 MB reached 250 MB of uncollected pages and rows at 200,000
 * recipients. Growing by half at most keeps the peak near what is live
 * (180 MB there, 1.1× the CPU: docs/benchmarks.md, "Store").
 *
 * And the young generation stays at its first size (1 MB a semi-space)
 * instead of growing to 16: a send's garbage is short-lived rows and
 * messages, which die as well in a small nursery: 30 MB less, and no more
 * CPU (less, in alternating pairs of sends: docs/benchmarks.md, "the
 * floor"). V8 reads both flags as it collects, so setting them once the
 * process runs takes effect (unlike `--max-semi-space-size`).
 */
export function keepHeapFlat(): void {
  kept = true;
  v8.setFlagsFromString('--heap-growing-percent=50');
  v8.setFlagsFromString('--semi-space-growth-factor=1');
}

/**
 * Set the flags again if `keepHeapFlat` set them: starting a worker thread
 * puts V8's flags back to the command line's (measured on Node 20), so a
 * command that renders in a worker calls this once the worker has ended.
 */
export function keepHeapFlatAgain(): void {
  if (kept) keepHeapFlat();
}
