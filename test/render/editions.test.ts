import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  planAllEditions,
  planEditionById,
  planPendingEdition,
} from '../../src/edition/planEdition.js';
import { formatUpdateLabel } from '../../src/render/formatUpdateLabel.js';
import { buildEditions as build } from '../../src/usecases/buildEditions.js';
import { editionRecordJson, fixture, storyMd, updateMd } from '../helpers/fixture.js';
import { defaultNow } from '../helpers/problems.js';
import { flat, loadForRender, visibleText } from '../helpers/render.js';
import { runCli } from '../helpers/runCli.js';

const config = {
  publication: 'Geneva Watch',
  siteUrl: 'https://example.org/geneva/',
  locale: 'en-US',
  timeZone: 'Europe/Zurich',
  subjectPrefix: '[Geneva Watch] ',
};
const title = 'Talks Open in Montreux';
const newHeadline = 'Ceasefire in Homs Holds as Talks Enter Second Day';

/**
 * Four updates over two days, named so that sorting by file name would get
 * both days wrong: the date-only update sorts at the start of its day, then
 * the times decide.
 */
const ids = {
  day: '2014-02-10-second-round',
  evening: '2014-02-10-evening-session',
  morning: '2014-02-11-homs-ceasefire',
  correction: '2014-02-11-correction-evacuees',
  draft: '2014-02-11-notes',
};
const paragraphs = {
  day: [
    'A second round of talks resumed in Geneva today. Both sides blamed each other for the violence.',
    'The delegations sat in the same room for less than an hour before the session was adjourned.',
  ],
  evening: [
    'The evening session ended without a joint statement from either delegation.',
    'Diplomats said the mediator had met each side separately for most of the afternoon.',
  ],
  morning: [
    'The local ceasefire in Homs held overnight, the Syrian Red Crescent said.',
    'Aid workers reached the old city for the first time since the talks began on Jan. 22.',
  ],
  correction: [
    'An earlier update gave the number of evacuees as 300. The Syrian Red Crescent says it was 1,100.',
  ],
};
const eveningSummary = 'Negotiators agreed to meet again on Tuesday morning.';
const draftText = 'Unconfirmed reports of a third round in March.';

const files = {
  'story.md': storyMd,
  'storyline.config.json': JSON.stringify(config),
  [`updates/${ids.day}.md`]: updateMd('date: 2014-02-10', paragraphs.day.join('\n\n')),
  [`updates/${ids.evening}.md`]: updateMd(
    `date: 2014-02-10T21:05:00+01:00\nsummary: ${eveningSummary}`,
    paragraphs.evening.join('\n\n'),
  ),
  [`updates/${ids.morning}.md`]: updateMd(
    `date: 2014-02-11T09:15:00+01:00\nheadline: ${newHeadline}`,
    paragraphs.morning.join('\n\n'),
  ),
  [`updates/${ids.correction}.md`]: updateMd(
    'date: 2014-02-11T18:40:00+01:00\nkind: correction',
    paragraphs.correction.join('\n\n'),
  ),
  [`updates/${ids.draft}.md`]: updateMd(
    'date: 2014-02-11T20:00:00+01:00\nheadline: Draft Headline Never Sent\ndraft: true',
    draftText,
  ),
};

/** What each edition must be, oldest first. Labels are Intl.DateTimeFormat's en-US in Zurich. */
const expected = [
  { id: ids.day, label: 'Update 2/10/2014:', headline: title },
  { id: ids.evening, label: 'Update 2/10/2014, 9:05 PM GMT+1:', headline: title },
  { id: ids.morning, label: 'Update 2/11/2014, 9:15 AM GMT+1:', headline: newHeadline },
  { id: ids.correction, label: 'Correction 2/11/2014, 6:40 PM GMT+1:', headline: newHeadline },
];

/** ICU versions differ in the space before AM/PM (U+202F or U+0020); the words must not. */
function spaces(text: string): string {
  return text.replace(/\u202f/g, ' ');
}

async function readEdition(out: string, id: string) {
  const dir = path.join(out, id);
  return {
    json: JSON.parse(await readFile(path.join(dir, 'edition.json'), 'utf8')),
    text: spaces(await readFile(path.join(dir, 'email.txt'), 'utf8')),
    html: spaces(await readFile(path.join(dir, 'email.html'), 'utf8')),
  };
}

describe('build --edition all', () => {
  it('renders one edition per update, oldest first, with its label, headline and subject', async () => {
    const root = await fixture(files);
    const out = path.join(root, 'out');
    const result = await build({ root, out, edition: 'all', strict: false, now: defaultNow });
    expect(result.status).toBe('built');
    if (result.status !== 'built') return;
    expect(result.problems).toEqual([]);
    expect(result.editions.map((e) => e.id)).toEqual(expected.map((e) => e.id));
    expect((await readdir(out)).sort()).toEqual(expected.map((e) => e.id).sort());

    for (const want of expected) {
      const { json, text, html } = await readEdition(out, want.id);
      expect(json).toMatchObject({
        id: want.id,
        headline: want.headline,
        subject: `${config.subjectPrefix}${want.headline}`,
        updates: [want.id],
      });
      expect(text.split('\n')).toContain(want.label);
      expect(text).toContain(`${want.headline}\n${'='.repeat(want.headline.length)}\n`);
      expect(visibleText(html)).toContain(want.label);
      expect(html).toMatch(new RegExp(`<h1[^>]*>${want.headline}</h1>`));
    }
  });

  it('shows earlier updates shorter under the new one, newest first, above the base story', async () => {
    const root = await fixture(files);
    const out = path.join(root, 'out');
    await build({ root, out, edition: 'all', strict: false, now: defaultNow });
    const { json, text, html } = await readEdition(out, ids.correction);
    expect(json.earlierUpdates).toEqual([ids.morning, ids.evening, ids.day]);

    for (const seen of [flat(text), visibleText(html)]) {
      const at = (words: string) => {
        const index = seen.indexOf(words);
        expect(index, words).toBeGreaterThanOrEqual(0);
        return index;
      };
      const order = [
        at(`${expected[3]?.label} ${paragraphs.correction[0]}`),
        at('Earlier updates'),
        at(`${expected[2]?.label} ${paragraphs.morning[0]}`),
        at(`${expected[1]?.label} ${eveningSummary}`),
        at(`${expected[0]?.label} ${paragraphs.day[0]}`),
        at('The talks opened today.'),
      ];
      expect(order).toEqual([...order].sort((a, b) => a - b));
      // Shorter: the summary or first paragraph, never the rest.
      for (const rest of [paragraphs.day[1], paragraphs.evening[0], paragraphs.morning[1]]) {
        expect(seen).not.toContain(rest);
      }
    }
  });

  it('never puts a draft in an edition', async () => {
    const root = await fixture(files);
    const out = path.join(root, 'out');
    await build({ root, out, edition: 'all', strict: false, now: defaultNow });
    expect(existsSync(path.join(out, ids.draft))).toBe(false);
    for (const want of expected) {
      const { json, text, html } = await readEdition(out, want.id);
      expect(json.earlierUpdates).not.toContain(ids.draft);
      expect(text).not.toContain(draftText);
      expect(text).not.toContain('Draft Headline Never Sent');
      expect(visibleText(html)).not.toContain(draftText);
    }
    const { story, project } = await loadForRender(root);
    const pending = planPendingEdition(story, new Set(), project.config);
    expect(pending?.newUpdates.map((u) => u.id)).not.toContain(ids.draft);
    expect(pending?.headline).toBe(newHeadline);
  });

  it('prints each edition in order from the storyline process', async () => {
    const root = await fixture(files);
    const out = path.join(root, 'editions');
    const result = await runCli(['build', '--edition', 'all', '--out', out], {
      cwd: root,
      env: { STORYLINE_NOW: defaultNow.toISOString() },
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(expected.length + 1);
    expected.forEach((want, index) => {
      expect(lines[index]).toMatch(
        new RegExp(
          `^editions/${want.id}/  \\[Geneva Watch\\] ${want.headline}  \\(HTML \\d+\\.\\d KB, text \\d+\\.\\d KB\\)$`,
        ),
      );
    });
    expect(lines.at(-1)).toBe('Built 4 editions in editions');
    for (const want of expected) {
      expect((await readEdition(out, want.id)).json.subject).toBe(
        `${config.subjectPrefix}${want.headline}`,
      );
    }
  });
});

describe('the pending edition', () => {
  it('holds only the updates not yet sent, newest first, and the sent ones as earlier', async () => {
    const { story, project } = await loadForRender(await fixture(files));
    const edition = planPendingEdition(story, new Set([ids.day, ids.evening]), project.config);
    expect(edition?.id).toBe(ids.correction);
    expect(edition?.newUpdates.map((u) => u.id)).toEqual([ids.correction, ids.morning]);
    expect(edition?.earlierUpdates.map((u) => u.id)).toEqual([ids.evening, ids.day]);
    expect(edition?.headline).toBe(newHeadline);
    expect(edition?.subject).toBe(`${config.subjectPrefix}${newHeadline}`);
  });

  it('is undefined when every update has been sent', async () => {
    const { story, project } = await loadForRender(await fixture(files));
    const sent = new Set(expected.map((e) => e.id));
    expect(planPendingEdition(story, sent, project.config)).toBeUndefined();
    sent.delete(ids.morning);
    expect(planPendingEdition(story, sent, project.config)?.id).toBe(ids.morning);
  });

  it('reads what was sent from a complete edition in the archive', async () => {
    const root = await fixture({
      ...files,
      [`archive/${ids.evening}/edition.json`]: editionRecordJson({
        id: ids.evening,
        updates: [ids.evening, ids.day],
        complete: true,
      }),
    });
    const { story, project } = await loadForRender(root);
    const edition = planPendingEdition(story, project.sent, project.config);
    expect(edition?.newUpdates.map((u) => u.id)).toEqual([ids.correction, ids.morning]);
    expect(edition?.earlierUpdates.map((u) => u.id)).toEqual([ids.evening, ids.day]);
  });
});

describe('the preheader', () => {
  it("is the newest update's summary, else its first sentence", async () => {
    const { story, project } = await loadForRender(await fixture(files));
    const editions = planAllEditions(story, project.config);
    expect(editions.map((e) => e.preheader)).toEqual([
      'A second round of talks resumed in Geneva today.',
      eveningSummary,
      'The local ceasefire in Homs held overnight, the Syrian Red Crescent said.',
      'An earlier update gave the number of evacuees as 300.',
    ]);
  });
});

describe('update labels', () => {
  it('show the time in the configured zone, whatever offset the writer used', async () => {
    const root = await fixture({
      ...files,
      // 17:40 in London is 18:40 in Zurich.
      [`updates/${ids.correction}.md`]: updateMd(
        'date: 2014-02-11T17:40:00+00:00\nkind: correction',
        paragraphs.correction.join('\n\n'),
      ),
    });
    const { story, project } = await loadForRender(root);
    const edition = planEditionById(story, ids.correction, project.sent, project.config);
    const update = edition?.newUpdates[0];
    if (!update) throw new Error('no correction');
    expect(spaces(formatUpdateLabel(update, project.config))).toBe(expected[3]?.label);
  });
});
