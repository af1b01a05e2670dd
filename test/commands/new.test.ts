import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadStory } from '../../src/content/loadStory.js';
import { slugForHeadline } from '../../src/content/slugForHeadline.js';
import { newUpdate, UpdateExistsError } from '../../src/usecases/newUpdate.js';
import { fixture, storyMd } from '../helpers/fixture.js';
import { problemsOf } from '../helpers/problems.js';

const now = new Date('2014-02-10T15:00:00Z');

describe('storyline new', () => {
  it('writes an update file that check accepts, with date and headline filled in', async () => {
    const root = await fixture({ 'story.md': storyMd });
    const filePath = await newUpdate({
      root,
      headline: 'Second Round Of Syrian Peace Talks Under Way in Geneva',
      now,
      timeZone: 'UTC',
    });
    expect(path.relative(root, filePath)).toBe(
      'updates/2014-02-10-second-round-of-syrian-peace-talks-under-way-in-geneva.md',
    );
    const text = await readFile(filePath, 'utf8');
    expect(text).toMatch(
      /^---\ndate: 2014-02-10\nheadline: Second Round Of Syrian Peace Talks Under Way in Geneva\ndraft: true\n---\n/,
    );
    expect(text).toContain('<!--');
    expect(await problemsOf(root, now)).toEqual([]);
  });

  it('uses today in the configured time zone', async () => {
    const root = await fixture({ 'story.md': storyMd });
    // 23:30 UTC on the 10th is already the 11th in Zurich.
    const filePath = await newUpdate({
      root,
      headline: 'Late news',
      now: new Date('2014-02-10T23:30:00Z'),
      timeZone: 'Europe/Zurich',
    });
    expect(path.basename(filePath)).toBe('2014-02-11-late-news.md');
  });

  it('quotes a headline that YAML would misread', async () => {
    const root = await fixture({ 'story.md': storyMd });
    const headline = 'Talks: "No deal" # yet';
    const filePath = await newUpdate({ root, headline, date: '2014-02-10', now, timeZone: 'UTC' });
    const { story } = await loadStory(root, { timeZone: 'UTC', now });
    expect(story?.updates[0]?.headline).toBe(headline);
    expect(path.basename(filePath)).toBe('2014-02-10-talks-no-deal-yet.md');
  });

  it('refuses to overwrite an existing file', async () => {
    const root = await fixture({ 'story.md': storyMd, 'updates/2014-02-10-talks.md': 'mine' });
    await expect(
      newUpdate({ root, headline: 'Talks', date: '2014-02-10', now, timeZone: 'UTC' }),
    ).rejects.toBeInstanceOf(UpdateExistsError);
    expect(await readFile(path.join(root, 'updates/2014-02-10-talks.md'), 'utf8')).toBe('mine');
  });
});

describe('slugForHeadline', () => {
  it('makes lowercase ASCII with hyphens', () => {
    expect(slugForHeadline('Ceasefire in Homs: 300 Civilians Escape!')).toBe(
      'ceasefire-in-homs-300-civilians-escape',
    );
    expect(slugForHeadline('Genève, Zürich & Montréux')).toBe('geneve-zuerich-and-montreux');
  });

  it('transliterates Cyrillic and Arabic', () => {
    expect(slugForHeadline('Второй раунд переговоров в Женеве')).toBe(
      'vtoroy-raund-peregovorov-v-zheneve',
    );
    const arabic = slugForHeadline('الجولة الثانية من محادثات السلام');
    expect(arabic).toMatch(/^[a-z0-9]+(-[a-z0-9]+)+$/);
    expect(arabic).not.toBe(slugForHeadline('وقف إطلاق النار في حمص'));
  });

  it('gives a unique usable name to a headline with nothing to transliterate', () => {
    const a = slugForHeadline('第二轮和谈');
    const b = slugForHeadline('和谈破裂');
    expect(a).toMatch(/^update-[0-9a-f]{8}$/);
    expect(b).toMatch(/^update-[0-9a-f]{8}$/);
    expect(a).not.toBe(b);
  });

  it('keeps file names short', () => {
    const slug = slugForHeadline(
      'A very long headline that goes on and on about the talks in Geneva and Montreux and more',
    );
    expect(slug.length).toBeLessThanOrEqual(60);
    expect(slug).not.toMatch(/-$/);
  });
});
