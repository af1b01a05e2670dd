import { describe, expect, it } from 'vitest';
import { loadProject } from '../../src/project/loadProject.js';
import { chooseEdition } from '../../src/usecases/chooseEdition.js';
import { editionRecordJson, fixture, storyMd, updateMd } from '../helpers/fixture.js';
import { defaultNow } from '../helpers/problems.js';

const first = '2014-02-10-talks';
const second = '2014-02-11-more-talks';
const draft = '2014-02-12-draft';

const files = {
  'story.md': storyMd,
  [`updates/${first}.md`]: updateMd('date: 2014-02-10'),
  [`updates/${second}.md`]: updateMd('date: 2014-02-11'),
  [`updates/${draft}.md`]: updateMd('date: 2014-02-12\ndraft: true'),
};

/** The project with `sent` mailed in a complete edition (or, with `complete: false`, in progress). */
async function projectWith(sent: string[], complete = true) {
  const record =
    sent.length > 0
      ? {
          [`archive/${sent[0]}/edition.json`]: editionRecordJson({
            id: sent[0] as string,
            updates: sent,
            complete,
          }),
        }
      : {};
  return loadProject(await fixture({ ...files, ...record }), defaultNow);
}

const ids = (chosen: ReturnType<typeof chooseEdition>) =>
  chosen && {
    id: chosen.edition.id,
    pending: chosen.pending,
    new: chosen.edition.newUpdates.map((u) => u.id),
  };

describe('chooseEdition', () => {
  it('chooses the pending edition, whatever else is asked, leaving drafts out', async () => {
    const project = await projectWith([]);
    for (const otherwise of ['none', 'newest', 'newest-or-draft'] as const) {
      expect(ids(chooseEdition(project, { otherwise }))).toEqual({
        id: second,
        pending: true,
        new: [second, first],
      });
    }
  });

  it('resumes an edition in progress before anything newer', async () => {
    const project = await projectWith([first], false);
    expect(ids(chooseEdition(project, { otherwise: 'none' }))).toEqual({
      id: first,
      pending: true,
      new: [first],
    });
  });

  it('with nothing pending: nothing, the newest sent update, or the newest draft, as asked', async () => {
    const project = await projectWith([second, first]);
    expect(chooseEdition(project, { otherwise: 'none' })).toBeUndefined();
    expect(ids(chooseEdition(project, { otherwise: 'newest' }))).toEqual({
      id: second,
      pending: false,
      new: [second],
    });
    expect(ids(chooseEdition(project, { otherwise: 'newest-or-draft' }))).toEqual({
      id: draft,
      pending: false,
      new: [draft],
    });
  });
});
