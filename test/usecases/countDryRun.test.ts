import { describe, expect, it } from 'vitest';
import { appendSuppression, suppressionFor } from '../../src/ledger/suppressions.js';
import { countDryRun } from '../../src/usecases/countDryRun.js';
import { renderChosenEdition } from '../../src/usecases/renderChosenEdition.js';
import { publishNow } from '../helpers/publish.js';
import { secret, sendFixture } from '../helpers/sendFixture.js';

const env = { SMTP_URL: '', STORYLINE_SECRET: secret, STORYLINE_SUBSCRIBERS: '' };

async function rendered(root: string) {
  const chosen = await renderChosenEdition(root, publishNow, { otherwise: 'none' });
  if (chosen.status !== 'rendered') throw new Error(`expected an edition, got ${chosen.status}`);
  return chosen;
}

describe('countDryRun', () => {
  it('counts the list, less the suppressed, without sending or writing', async () => {
    const { root, addresses } = await sendFixture(10);
    for (const address of addresses.slice(0, 2))
      await appendSuppression(root, suppressionFor(address, 'unsubscribed', secret, publishNow));
    const { project, rendered: edition } = await rendered(root);
    const count = await countDryRun({ project, rendered: edition, secret, env });
    expect(count).toMatchObject({
      status: 'counted',
      editionId: '2014-02-10-second-round-geneva',
      total: 10,
      done: 0,
      suppressed: 2,
      toSend: 8,
      listProblems: [],
    });
  });

  it('counts each shard’s part, the parts adding up to the list', async () => {
    const { root } = await sendFixture(40);
    const { project, rendered: edition } = await rendered(root);
    const totals: number[] = [];
    for (const index of [1, 2, 3]) {
      const shard = { index, count: 3 };
      const count = await countDryRun({ project, rendered: edition, secret, env, shard });
      if (count.status !== 'counted') throw new Error(count.refusal.message);
      expect(count.toSend).toBe(count.total);
      totals.push(count.total);
    }
    expect(totals.every((t) => t > 0 && t < 40)).toBe(true);
    expect(totals.reduce((a, b) => a + b)).toBe(40);
  });

  it('returns the preflight’s refusal instead of a count', async () => {
    const { root, addresses } = await sendFixture(3);
    const other = 'another-secret-0123456789-abcdef';
    await appendSuppression(
      root,
      suppressionFor(addresses[0] as string, 'unsubscribed', other, publishNow),
    );
    const { project, rendered: edition } = await rendered(root);
    const count = await countDryRun({ project, rendered: edition, secret, env });
    expect(count.status === 'refused' && count.refusal.kind).toBe(
      'suppressions-under-another-secret',
    );
  });
});
