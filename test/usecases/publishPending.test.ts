import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentParseCount } from '../../src/content/parseContentFile.js';
import { type PublishEvent, publishPending } from '../../src/usecases/publishPending.js';
import { publishEnv, publishNow } from '../helpers/publish.js';
import { sendFixture } from '../helpers/sendFixture.js';

const editionId = '2014-02-10-second-round-geneva';

describe('publishPending', () => {
  it('returns what it sent and archived; a rerun sends and writes nothing', async () => {
    const { root } = await sendFixture(6);
    const events: PublishEvent['type'][] = [];
    const env = { ...process.env, ...publishEnv };
    const first = await publishPending({
      root,
      env,
      now: () => publishNow,
      onEvent: (event) => {
        if (event.type !== 'progress' && event.type !== 'warning') events.push(event.type);
      },
    });
    if (first.status !== 'published') throw new Error(`expected published, got ${first.status}`);
    expect(first.ok).toBe(true);
    expect(first.editions).toHaveLength(1);
    const [edition] = first.editions;
    expect(edition?.id).toBe(editionId);
    expect(edition?.outbox?.count).toBe(6);
    expect(edition?.delivery.status).toBe('finished');
    if (edition?.delivery.status === 'finished') {
      expect(edition.delivery.report.counts).toEqual({
        sent: 6,
        failed: 0,
        suppressed: 0,
        deferred: 0,
      });
      expect(edition.delivery.report.editionComplete).toBe(true);
    }
    expect(first.archive?.written).toEqual(
      expect.arrayContaining(['archive/index.html', `archive/${editionId}/index.html`]),
    );
    expect(events).toEqual(['checked', 'edition', 'built', 'start', 'delivered']);

    const second = await publishPending({ root, env, now: () => publishNow });
    expect(second).toMatchObject({ status: 'published', editions: [], ok: true });
    expect(second.status === 'published' && second.archive?.written).toEqual([]);
  });

  it('parses each content file once while it checks, sends and archives', async () => {
    const { root } = await sendFixture(3);
    const updates = (await readdir(path.join(root, 'updates'))).filter((n) => n.endsWith('.md'));
    expect(updates.length).toBeGreaterThan(0);
    const before = contentParseCount();
    const result = await publishPending({
      root,
      env: { ...process.env, ...publishEnv },
      now: () => publishNow,
    });
    expect(result).toMatchObject({ status: 'published', ok: true });
    expect(result.status === 'published' && result.editions).toHaveLength(1);
    // story.md and each update, once each.
    expect(contentParseCount() - before).toBe(1 + updates.length);
  });

  it('stops on a content error before sending or archiving anything', async () => {
    const { root } = await sendFixture(2);
    const { writeFile } = await import('node:fs/promises');
    await writeFile(`${root}/updates/2014-02-12-bad.md`, '---\ndate: nope\n---\n\nText.\n');
    const result = await publishPending({
      root,
      env: { ...process.env, ...publishEnv },
      now: () => publishNow,
    });
    expect(result.status).toBe('check-failed');
    expect(result.status === 'check-failed' && result.problems.some((p) => p.fatal)).toBe(true);
  });

  it('an aborted signal stops the send part-way; the archive is still written', async () => {
    const { root } = await sendFixture(6);
    const controller = new AbortController();
    controller.abort();
    const result = await publishPending({
      root,
      env: { ...process.env, ...publishEnv },
      now: () => publishNow,
      signal: controller.signal,
    });
    if (result.status !== 'published') throw new Error(`expected published, got ${result.status}`);
    expect(result.ok).toBe(false);
    const delivery = result.editions[0]?.delivery;
    expect(delivery?.status === 'finished' && delivery.report.stopped).toBe('interrupted');
    expect(result.archive).toBeDefined();
  });
});
