import { describe, expect, it } from 'vitest';
import { catchUpEdition, planCatchUp } from '../../src/edition/planCatchUp.js';
import { gmailClipBytes } from '../../src/render/lintEdition.js';
import { recipientHeadroomBytes, renderCatchUp } from '../../src/render/renderCatchUp.js';
import { renderEdition } from '../../src/render/renderEdition.js';
import { catchUpConfig, catchUpNow } from '../helpers/catchUpFixture.js';
import { editionRecordJson, fixture, storyMd, updateMd } from '../helpers/fixture.js';
import { loadForRender, visibleText } from '../helpers/render.js';

/** About 40 KB of prose: three of these in full pass Gmail's clip, two do not. */
function longBody(n: number): string {
  const paragraph = `Longupdate${n} ${'the delegations met again and talked at length about the ceasefire '.repeat(15)}`;
  return `${Array.from({ length: 40 }, () => paragraph).join('\n\n')}\n`;
}

describe('the catch-up of a long story', () => {
  it('stays under Gmail’s 102 KB clip by showing fewer updates in full, the rest as dated headlines', async () => {
    const days = Array.from({ length: 8 }, (_, i) => `2014-02-${String(i + 1).padStart(2, '0')}`);
    const files: Record<string, string> = {
      'story.md': storyMd,
      'storyline.config.json': JSON.stringify({ ...catchUpConfig, catchUp: { inFull: 3 } }),
      'archive/2014-02-08-u8/edition.json': editionRecordJson({
        id: '2014-02-08-u8',
        updates: days.map((day, i) => `${day}-u${i + 1}`),
        complete: true,
        startedAt: '2014-02-08T12:00:00.000Z',
      }),
    };
    days.forEach((day, i) => {
      files[`updates/${day}-u${i + 1}.md`] = updateMd(`date: ${day}`, longBody(i + 1));
    });
    const { project, story, template } = await loadForRender(await fixture(files), catchUpNow);
    const catchUp = planCatchUp(story, project.editions, catchUpNow, project.config);
    expect(catchUp.updates).toHaveLength(8);
    if (!template.template) throw new Error('no template');

    // As configured, three in full would be clipped.
    const asConfigured = await renderEdition(
      catchUpEdition(catchUp, 3, project.config.siteUrl),
      template.template,
      project.config,
    );
    if (!asConfigured.ok) throw new Error('render failed');
    expect(Buffer.byteLength(asConfigured.rendered.html)).toBeGreaterThan(gmailClipBytes);

    const result = await renderCatchUp(catchUp, template.template, project.config);
    if (!result.ok) throw new Error('render failed');
    const { inFull, headlines, bytes, fits, rendered } = result.catchUp;
    expect(fits).toBe(true);
    expect(Buffer.byteLength(rendered.html)).toBe(bytes);
    expect(bytes).toBeLessThanOrEqual(gmailClipBytes - recipientHeadroomBytes);
    expect(inFull).toBeGreaterThan(0);
    expect(inFull).toBeLessThan(3);
    expect(headlines).toBe(8 - inFull);
    // The newest in full, every older one still there as a dated headline.
    expect(rendered.html).toContain('Longupdate8 ');
    for (let n = 1; n <= 8 - inFull; n++) {
      expect(visibleText(rendered.html)).toContain(`Update 2/${n}/2014:`);
    }
    expect(rendered.html).not.toContain('more updates in the archive');
  });
});
