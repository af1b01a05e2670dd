import { describe, expect, it } from 'vitest';
import { fixture, storyMd, updateMd } from '../helpers/fixture.js';
import { problemsOf } from '../helpers/problems.js';

/** Problems of a story whose only update is `name` with `content`. */
async function updateProblems(name: string, content: string | Buffer): Promise<string[]> {
  return problemsOf(await fixture({ 'story.md': storyMd, [`updates/${name}`]: content }));
}

describe('front matter', () => {
  it('reports a YAML syntax error at its position', async () => {
    expect(
      await updateProblems(
        '2014-02-10-a.md',
        '---\ndate: 2014-02-10\nheadline: [Talks\n---\n\nText.\n',
      ),
    ).toEqual([
      'updates/2014-02-10-a.md:3:17: Unexpected end of line, expected `]` to close the list; put the value in quotes if `[` is part of the text [yaml-syntax]',
    ]);
  });

  it('reports an unclosed quote where the value ends', async () => {
    expect(
      await updateProblems(
        '2014-02-10-a.md',
        '---\ndate: 2014-02-10\nheadline: "Talks\n---\n\nText.\n',
      ),
    ).toEqual([
      'updates/2014-02-10-a.md:3:17: Unexpected end of value, expected closing "quote [yaml-syntax]',
    ]);
  });

  it('reports a list or map used as a field name at the key, without a warning from the YAML library', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on('warning', onWarning);
    try {
      expect(
        await updateProblems(
          '2014-02-10-a.md',
          updateMd('date: 2014-02-10\n? [a, b]\n: c\nimage:\n  ? {x: 1}\n  : y'),
        ),
      ).toEqual([
        'updates/2014-02-10-a.md:3:3: Unexpected list as a field name, expected a plain name such as `title`; write `name: value` [yaml-syntax]',
      ]);
      // Warnings are emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).toEqual([]);
  });

  it('reports a repeated field', async () => {
    expect(
      await updateProblems('2014-02-10-a.md', updateMd('date: 2014-02-10\ndate: 2014-02-10')),
    ).toEqual([
      'updates/2014-02-10-a.md:3:1: Unexpected repeated field, expected each front matter field once [yaml-syntax]',
    ]);
  });

  it('reports a missing required field at the front matter', async () => {
    expect(await updateProblems('2014-02-10-a.md', updateMd('headline: Talks'))).toEqual([
      'updates/2014-02-10-a.md:2:1: Missing `date` in the front matter of an update, expected `date: YYYY-MM-DD` (or a date-time with an offset) [required-field]',
    ]);
  });

  it('reports missing fields of story.md', async () => {
    const root = await fixture({ 'story.md': '---\ndek: A dek\n---\n\nBody.\n' });
    expect(await problemsOf(root)).toEqual([
      'story.md:2:1: Missing `title` in the front matter of story.md, expected `title: <the story’s headline>` [required-field]',
      'story.md:2:1: Missing `published` in the front matter of story.md, expected `published: YYYY-MM-DD`, the day the story first ran [required-field]',
    ]);
  });

  it('reports an ill-typed field at its value', async () => {
    expect(
      await updateProblems('2014-02-10-a.md', updateMd('date: 2014-02-10\ndraft: yes')),
    ).toEqual([
      'updates/2014-02-10-a.md:3:8: Unexpected `yes` for `draft`, expected `true` or `false` [field-type]',
    ]);
    expect(
      await updateProblems('2014-02-10-a.md', updateMd('date: 2014-02-10\nheadline: 2014')),
    ).toEqual([
      'updates/2014-02-10-a.md:3:11: Unexpected number `2014` for `headline`, expected text (put it in quotes if it looks like a number or a date) [field-type]',
    ]);
  });

  it('reports an unknown field with a did-you-mean', async () => {
    expect(
      await updateProblems('2014-02-10-a.md', updateMd('date: 2014-02-10\nheadlnie: Talks')),
    ).toEqual([
      'updates/2014-02-10-a.md:3:1: Unexpected field `headlnie` in the front matter of an update, expected one of `date`, `headline`, `kind`, `summary`, `draft`, `lang`; did you mean `headline`? [unknown-field]',
    ]);
  });

  it('reports an unknown field with no close match without a guess', async () => {
    expect(
      await updateProblems('2014-02-10-a.md', updateMd('date: 2014-02-10\nauthor: Ole')),
    ).toEqual([
      'updates/2014-02-10-a.md:3:1: Unexpected field `author` in the front matter of an update, expected one of `date`, `headline`, `kind`, `summary`, `draft`, `lang` [unknown-field]',
    ]);
  });

  it('reports an unknown kind with a did-you-mean', async () => {
    expect(
      await updateProblems('2014-02-10-a.md', updateMd('date: 2014-02-10\nkind: corection')),
    ).toEqual([
      'updates/2014-02-10-a.md:3:7: Unexpected `corection` for `kind`, expected `update` or `correction`; did you mean `correction`? [field-value]',
    ]);
  });

  it('reports a file without front matter', async () => {
    expect(await updateProblems('2014-02-10-a.md', 'Just text.\n')).toEqual([
      'updates/2014-02-10-a.md:1:1: Missing front matter, expected a block at the top of the file between `---` lines with `date:` [front-matter-missing]',
    ]);
  });

  it('reports front matter that is never closed', async () => {
    expect(await updateProblems('2014-02-10-a.md', '---\ndate: 2014-02-10\n\nText.\n')).toEqual([
      'updates/2014-02-10-a.md:1:1: Unexpected end of file, expected a closing `---` line after the front matter [front-matter-unclosed]',
    ]);
  });
});

describe('dates', () => {
  it('reports an impossible day', async () => {
    expect(await updateProblems('2014-02-10-a.md', updateMd('date: 2014-02-30'))).toEqual([
      'updates/2014-02-10-a.md:2:7: Unexpected day `30` in `2014-02-30`, expected 01 to 28 (February 2014 has 28 days) [invalid-date]',
    ]);
  });

  it('knows leap years', async () => {
    const root = await fixture({
      'story.md': storyMd.replace('2014-01-22', '2012-01-22'),
      'updates/2012-02-29-leap.md': updateMd('date: 2012-02-29'),
    });
    expect(await problemsOf(root)).toEqual([]);
  });

  it('reports an impossible month', async () => {
    expect(await updateProblems('2014-02-10-a.md', updateMd('date: 2014-13-01'))).toEqual([
      'updates/2014-02-10-a.md:2:7: Unexpected month `13` in `2014-13-01`, expected 01 to 12 [invalid-date]',
    ]);
  });

  it('reports an impossible time', async () => {
    expect(
      await updateProblems('2014-02-10-a.md', updateMd('date: 2014-02-10T25:10:00+01:00')),
    ).toEqual([
      'updates/2014-02-10-a.md:2:7: Unexpected time `25:10:00` in `2014-02-10T25:10:00+01:00`, expected hours 00 to 23, minutes and seconds 00 to 59 [invalid-date]',
    ]);
  });

  it('reports a time without an offset', async () => {
    expect(await updateProblems('2014-02-10-a.md', updateMd('date: 2014-02-10T09:30'))).toEqual([
      'updates/2014-02-10-a.md:2:7: Unexpected date-time without an offset `2014-02-10T09:30`, expected an offset such as `2014-02-10T09:30:00+01:00` or `Z` for UTC [invalid-date]',
    ]);
  });

  it('reports a date in another format', async () => {
    expect(await updateProblems('2014-02-10-a.md', updateMd('date: 10/02/2014'))).toEqual([
      'updates/2014-02-10-a.md:2:7: Unexpected date `10/02/2014`, expected `YYYY-MM-DD` or a date-time with an offset such as `2014-02-10T09:30:00+01:00` [invalid-date]',
    ]);
  });

  it('reports a file name whose day differs from the date', async () => {
    expect(await updateProblems('2014-02-10-a.md', updateMd('date: 2014-02-11'))).toEqual([
      'updates/2014-02-10-a.md:2:7: Unexpected date `2014-02-11` in `2014-02-10-a.md`, expected the day in the file name (2014-02-10); rename the file or fix the date [file-name-date]',
    ]);
  });

  it('reports an update dated before the story was published', async () => {
    expect(await updateProblems('2014-01-21-early.md', updateMd('date: 2014-01-21'))).toEqual([
      'updates/2014-01-21-early.md:2:7: Unexpected date `2014-01-21` before the story was published (2014-01-22), expected 2014-01-22 or later [before-published]',
    ]);
  });

  it('accepts an update on the day the story was published', async () => {
    expect(
      await updateProblems('2014-01-22-same-day.md', updateMd('date: 2014-01-22T23:00:00+01:00')),
    ).toEqual([]);
  });

  it('reports an update dated in the future of the clock', async () => {
    const root = await fixture({
      'story.md': storyMd,
      'updates/2014-03-02-tomorrow.md': updateMd('date: 2014-03-02'),
      'updates/2014-03-01-later-today.md': updateMd('date: 2014-03-01T12:30:00Z'),
      'updates/2014-03-01-earlier-today.md': updateMd('date: 2014-03-01T11:30:00Z'),
    });
    expect(await problemsOf(root, new Date('2014-03-01T12:00:00Z'))).toEqual([
      'updates/2014-03-01-later-today.md:2:7: Unexpected date `2014-03-01T12:30:00Z` in the future, expected today or earlier; an update is dated when it is written [future-date]',
      'updates/2014-03-02-tomorrow.md:2:7: Unexpected date `2014-03-02` in the future, expected today or earlier; an update is dated when it is written [future-date]',
    ]);
    // A day later, both are in the past.
    expect(await problemsOf(root, new Date('2014-03-02T12:00:00Z'))).toEqual([]);
  });
});

describe('files', () => {
  it('reports two updates with the same id', async () => {
    const root = await fixture({
      'story.md': storyMd,
      'updates/2014-02-10-talks.md': updateMd('date: 2014-02-10'),
      'updates/2014/2014-02-10-talks.md': updateMd('date: 2014-02-10'),
    });
    expect(await problemsOf(root)).toEqual([
      'updates/2014/2014-02-10-talks.md:1:1: Unexpected second update with id `2014-02-10-talks`, expected each file name once; updates/2014-02-10-talks.md has it too, so rename one [duplicate-id]',
    ]);
  });

  it('reports a file name that is not YYYY-MM-DD-slug.md', async () => {
    expect(await updateProblems('Geneva Talks.md', updateMd('date: 2014-02-10'))).toEqual([
      'updates/Geneva Talks.md:1:1: Unexpected file name `Geneva Talks.md`, expected `YYYY-MM-DD-slug.md` with lowercase letters, digits and hyphens, such as `2014-02-10-geneva-talks.md` [file-name]',
    ]);
  });

  it('reports a non-markdown file in updates/ and ignores hidden files', async () => {
    const root = await fixture({
      'story.md': storyMd,
      'updates/notes.txt': 'todo',
      'updates/.gitkeep': '',
    });
    expect(await problemsOf(root)).toEqual([
      'updates/notes.txt:1:1: Unexpected file `notes.txt` in updates/, expected only `.md` update files; move it out of updates/ [not-markdown]',
    ]);
  });

  it('reports a file that is not UTF-8 at the first bad byte', async () => {
    const latin1 = Buffer.concat([
      Buffer.from('---\ndate: 2014-02-10\n---\n\nThe caf'),
      Buffer.from([0xe9]),
      Buffer.from(' was shelled.\n'),
    ]);
    expect(await updateProblems('2014-02-10-a.md', latin1)).toEqual([
      'updates/2014-02-10-a.md:5:8: Unexpected byte that is not UTF-8, expected a UTF-8 text file; re-save the file as UTF-8 in your editor [file-encoding]',
    ]);
  });

  it('reports a missing story.md', async () => {
    expect(
      await problemsOf(await fixture({ 'updates/2014-02-10-a.md': updateMd('date: 2014-02-10') })),
    ).toEqual([
      'story.md:1:1: Missing story.md, expected the base story at the content root (or pass `--root DIR`) [missing-file]',
    ]);
  });

  it('accepts CRLF line endings and a byte order mark silently', async () => {
    const crlf = `\uFEFF${updateMd('date: 2014-02-10\nheadline: Talks', 'First line.\n\nSecond.\n').replaceAll('\n', '\r\n')}`;
    expect(await updateProblems('2014-02-10-a.md', crlf)).toEqual([]);
  });

  it('reports positions correctly in a CRLF file with a byte order mark', async () => {
    const crlf = `\uFEFF${updateMd('date: 2014-02-10\nkind: fix').replaceAll('\n', '\r\n')}`;
    expect(await updateProblems('2014-02-10-a.md', crlf)).toEqual([
      'updates/2014-02-10-a.md:3:7: Unexpected `fix` for `kind`, expected `update` or `correction` [field-value]',
    ]);
  });
});

describe('bodies', () => {
  it('reports an empty update body', async () => {
    expect(await updateProblems('2014-02-10-a.md', updateMd('date: 2014-02-10', '\n'))).toEqual([
      'updates/2014-02-10-a.md:4:1: Unexpected empty update, expected at least one paragraph of text below the front matter [empty-body]',
    ]);
  });

  it('counts a body holding only a comment as empty', async () => {
    expect(
      await updateProblems(
        '2014-02-10-a.md',
        updateMd('date: 2014-02-10', '<!-- write here -->\n'),
      ),
    ).toEqual([
      'updates/2014-02-10-a.md:4:1: Unexpected empty update, expected at least one paragraph of text below the front matter [empty-body]',
    ]);
  });

  it('accepts an empty draft', async () => {
    expect(
      await updateProblems('2014-02-10-a.md', updateMd('date: 2014-02-10\ndraft: true', '')),
    ).toEqual([]);
  });

  it('reports an image without alt text, in the body and in story.md', async () => {
    expect(
      await updateProblems(
        '2014-02-10-a.md',
        updateMd('date: 2014-02-10', 'Look:\n\n![](map.png)\n'),
      ),
    ).toEqual([
      'updates/2014-02-10-a.md:7:1: Unexpected image without alt text, expected a description in the brackets: `![what the image shows](…)` [image-alt]',
    ]);
    const root = await fixture({
      'story.md': storyMd.replace('---\n\n', 'image:\n  src: a.jpg\n  alt: ""\n---\n\n'),
    });
    expect(await problemsOf(root)).toEqual([
      'story.md:6:8: Unexpected empty `image.alt`, expected a description of the image for readers who cannot see it [image-alt]',
    ]);
  });

  it('reports an image in story.md with no alt field', async () => {
    const root = await fixture({
      'story.md': storyMd.replace('---\n\n', 'image:\n  src: a.jpg\n---\n\n'),
    });
    expect(await problemsOf(root)).toEqual([
      'story.md:5:3: Missing `image.alt` in the front matter of story.md, expected `alt: <what the image shows>` [required-field]',
    ]);
  });

  it.each([
    [
      '[the plan]()',
      'Unexpected empty link URL, expected an address such as `https://example.org/page`',
    ],
    [
      '[the plan](javascript:alert(1))',
      'Unexpected `javascript:` link URL, expected an `https:` address; mail clients block it and it can carry code',
    ],
    [
      '[the plan](JaVaScRiPt:alert(1))',
      'Unexpected `javascript:` link URL, expected an `https:` address; mail clients block it and it can carry code',
    ],
    [
      '![map](data:image/png;base64,AAAA)',
      'Unexpected `data:` image URL, expected an `https:` address; mail clients block it and it can carry code',
    ],
  ])('reports an unsafe URL in %s', async (markdown, reason) => {
    const rule = '[unsafe-url]';
    expect(
      await updateProblems('2014-02-10-a.md', updateMd('date: 2014-02-10', `See ${markdown}.\n`)),
    ).toEqual([`updates/2014-02-10-a.md:5:5: ${reason} ${rule}`]);
  });

  it('reports an unsafe URL in a reference definition', async () => {
    expect(
      await updateProblems(
        '2014-02-10-a.md',
        updateMd('date: 2014-02-10', 'See [the plan][p].\n\n[p]: javascript:void(0)\n'),
      ),
    ).toEqual([
      'updates/2014-02-10-a.md:7:1: Unexpected `javascript:` link URL, expected an `https:` address; mail clients block it and it can carry code [unsafe-url]',
    ]);
  });

  it('rejects raw HTML, block and inline, but allows comments', async () => {
    const body = '<div class="x">Hi</div>\n\nSome <b>bold</b> text. <!-- a note -->\n';
    expect(await updateProblems('2014-02-10-a.md', updateMd('date: 2014-02-10', body))).toEqual([
      'updates/2014-02-10-a.md:5:1: Unexpected raw HTML `<div class="x">Hi</div>`, expected markdown (**bold**, _italic_, [text](https://…), ![alt](image.jpg)); HTML is not carried into the email [raw-html]',
      'updates/2014-02-10-a.md:7:6: Unexpected raw HTML `<b>`, expected markdown (**bold**, _italic_, [text](https://…), ![alt](image.jpg)); HTML is not carried into the email [raw-html]',
    ]);
  });
});

describe('all problems at once', () => {
  it('lists problems from every file in one run', async () => {
    const root = await fixture({
      'story.md': storyMd.replace('title: Talks Open in Montreux\n', ''),
      'updates/2014-02-10-a.md': updateMd('date: 2014-02-30'),
      'updates/2014-02-11-b.md': updateMd('date: 2014-02-11\nkind: nope'),
      'updates/2014-02-12-c.md': updateMd('date: 2014-02-12', ''),
    });
    const problems = await problemsOf(root);
    expect(problems.map((p) => p.split(': ')[0])).toEqual([
      'story.md:2:1',
      'updates/2014-02-10-a.md:2:7',
      'updates/2014-02-11-b.md:3:7',
      'updates/2014-02-12-c.md:4:1',
    ]);
  });
});
