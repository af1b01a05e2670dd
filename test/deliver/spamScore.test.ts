import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { fixture, sampleFixture, updateMd, writeFiles } from '../helpers/fixture.js';
import { publishOk } from '../helpers/publish.js';
import { repoRoot } from '../helpers/runCli.js';

const run = promisify(execFile);
const spamassassin = '/usr/bin/spamassassin';

function skipReason(): string | undefined {
  if (existsSync(spamassassin)) return undefined;
  const reason = `spamassassin is not installed at ${spamassassin}; install it with \`apt-get install -y spamassassin\` to run the spam score tests (CI does)`;
  if (process.env.CI) throw new Error(`CI must run the spam score tests, but ${reason}`);
  return reason;
}
const skip = skipReason();
if (skip) console.log(`skipping spam score tests: ${skip}`);

interface Score {
  score: number;
  rules: string[];
}

/**
 * SpamAssassin's verdict on a raw message: local tests only (`-L`, no DNS or
 * network checks), a report (`-t`), and an empty preferences file so the
 * developer's own settings (or a first-run file in their home) play no part.
 */
async function spamScore(eml: string, prefs: string): Promise<Score> {
  const child = run(spamassassin, ['-t', '-L', '-p', prefs], { maxBuffer: 16 * 1024 * 1024 });
  child.child.stdin?.end(await readFile(eml));
  const { stdout } = await child;
  const status = /^X-Spam-Status: \w+, score=(-?[\d.]+)[\s\S]*?tests=([\s\S]*?)autolearn/m.exec(
    stdout,
  );
  if (!status) throw new Error(`no X-Spam-Status in spamassassin's output:\n${stdout}`);
  const rules = (status[2] ?? '')
    .split(/[,\s]+/)
    .map((rule) => rule.trim())
    .filter(Boolean);
  return { score: Number(status[1]), rules };
}

/** One message of every edition in the outbox: recipients' copies differ only in To and tokens. */
async function oneMessagePerEdition(root: string): Promise<Map<string, string>> {
  const outbox = path.join(root, '.storyline/outbox');
  const messages = new Map<string, string>();
  for (const edition of await readdir(outbox)) {
    const [first] = (await readdir(path.join(outbox, edition))).filter((f) => f.endsWith('.eml'));
    if (first) messages.set(edition, path.join(outbox, edition, first));
  }
  return messages;
}

async function expectClean(root: string, editions: string[]): Promise<void> {
  const prefs = path.join(await fixture({ user_prefs: '' }), 'user_prefs');
  const messages = await oneMessagePerEdition(root);
  expect([...messages.keys()].sort()).toEqual(editions);
  for (const [edition, eml] of messages) {
    const { score, rules } = await spamScore(eml, prefs);
    const flagged = rules.filter((r) => /^(HTML|MIME)_/.test(r) && r !== 'HTML_MESSAGE');
    expect({ edition, score: score <= 0, flagged }).toEqual({ edition, score: true, flagged: [] });
  }
}

/**
 * A story with everything the email can hold: image, table, list, quote,
 * code, a correction. Its text is a few paragraphs long, as a story is:
 * with one sentence under a 552 px picture, SpamAssassin's image-to-text
 * ratio rules (`HTML_IMAGE_RATIO_*`, 0.001 points) fire whatever the template does.
 */
const richStory = `---
title: Talks Open in Montreux
published: 2014-01-22
dek: The first meeting in almost three years.
byline: A. Writer
image:
  src: images/geneva-ii-talks.png
  alt: Two delegations seated at a long table
  credit: Photo courtesy of Freedom House.
---

The talks opened today in [Montreux](https://example.org/montreux), the first time the government and the opposition have met in almost three years.

The conflict has left more than 130,000 dead and millions displaced. Talks are based on the Geneva Communique, which calls for a ceasefire and a transitional government.

The communique was signed by the League of Arab States, China, France, Russia, the United Kingdom, the United States, Turkey, Iraq, Kuwait and Qatar; both the Syrian government and Iran are absent from it.

The government has agreed to attend but has said that the president stepping down is out of the question. The opposition, represented by the Syrian National Coalition, says he should have no role in a transitional government.

Several rebel groups have said that they will not be bound by any agreement made at the conference, so the talks seem to have slim chances of reaching their stated goal.

| Delegation | Seats |
|---|---|
| Government | 9 |
| Opposition | 9 |

- a ceasefire
- aid corridors

> We came to talk, a delegate said.

The communique is \`GC-2012\`.
`;

describe.skipIf(Boolean(skip))('SpamAssassin on the mailed editions', () => {
  it('scores every edition of the sample at most 0 and hits no HTML_ or MIME_ rule but HTML_MESSAGE', async () => {
    const root = await sampleFixture();
    await publishOk(root);
    await expectClean(root, ['2014-02-10-second-round-geneva']);
  });

  it('scores every edition of a story with a table, list, quote, image and a correction at most 0', async () => {
    const root = await fixture({});
    await writeFiles(root, {
      'story.md': richStory,
      'updates/2014-02-10-second-round.md': updateMd(
        'date: 2014-02-10\nheadline: Second Round Under Way in Geneva\nsummary: Both sides blamed each other.',
        'A second round of talks resumed today.\n\n1. Homs\n2. Aleppo\n',
      ),
      'storyline.config.json': await readFile(path.join(repoRoot, 'storyline.config.json')),
      'subscribers.example.csv': 'email,name\nada@example.org,Ada\n',
      'images/geneva-ii-talks.png': await readFile(
        path.join(repoRoot, 'images/geneva-ii-talks.png'),
      ),
    });
    await publishOk(root);
    await writeFiles(root, {
      'updates/2014-02-12-casualty-figure.md': updateMd(
        'date: 2014-02-12\nkind: correction',
        'An earlier update gave the wrong **casualty figure**; it is 130,000.\n',
      ),
    });
    await publishOk(root, new Date('2014-03-02T12:00:00Z'));
    await expectClean(root, ['2014-02-10-second-round', '2014-02-12-casualty-figure']);
  });
});
