import { VFile } from 'vfile';
import { describe, expect, it } from 'vitest';
import { RecipientQueue, type RecipientSource } from '../../src/deliver/recipientQueue.js';

const secret = 'k3y-th4t-is-l0ng-enough';

/** A list of `size` that notes each time it is read from the start. */
function countedList(
  size: number,
  count?: number,
): { source: RecipientSource; reads: () => number } {
  let reads = 0;
  const source: RecipientSource = async function* () {
    reads++;
    for (let i = 0; i < size; i++) yield { email: `reader${i}@example.org`, fields: {} };
  };
  if (count !== undefined) source.count = async () => count;
  return { source, reads: () => reads };
}

const open = (source: RecipientSource, shard?: { index: number; count: number }) =>
  RecipientQueue.open({
    source,
    listFile: new VFile(),
    secret,
    shard,
    isSuppressed: () => false,
    lastEntry: () => undefined,
  });

describe('the recipient queue total', () => {
  it('comes from a source that counts itself, without reading the list an extra time', async () => {
    const list = countedList(250, 250);
    const queue = await open(list.source);
    expect(queue.total).toBe(250);
    let handedOut = 0;
    while (await queue.next()) handedOut++;
    expect(handedOut).toBe(250);
    expect(list.reads()).toBe(1);
  });

  it('is counted by reading the list when it is split into shards, which only the addresses decide', async () => {
    const list = countedList(250, 250);
    const queue = await open(list.source, { index: 1, count: 2 });
    expect(queue.total).toBeGreaterThan(0);
    expect(queue.total).toBeLessThan(250);
    let handedOut = 0;
    while (await queue.next()) handedOut++;
    expect(handedOut).toBe(queue.total);
    expect(list.reads()).toBe(2);
  });
});
