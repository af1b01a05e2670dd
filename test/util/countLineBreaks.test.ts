import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { countLineBreaks } from '../../src/util/countLineBreaks.js';
import { fixture } from '../helpers/fixture.js';

describe('counting a file’s line breaks', () => {
  it('counts every line feed, across the reads of a long file, and says nothing for a missing one', async () => {
    const root = await fixture({});
    const long = path.join(root, 'long.csv');
    // 200,000 lines of 21 bytes: many reads of the 64 KB buffer, a break on a boundary.
    await writeFile(long, 'reader@example.org,R\n'.repeat(200_000));
    expect(await countLineBreaks(long)).toBe(200_000);
    const crlf = path.join(root, 'crlf.csv');
    await writeFile(crlf, 'email\r\na@example.org\r\n\r\nb@example.org');
    expect(await countLineBreaks(crlf)).toBe(3);
    expect(await countLineBreaks(path.join(root, 'missing.csv'))).toBeUndefined();
  });
});
