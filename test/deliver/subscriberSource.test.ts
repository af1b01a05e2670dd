import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveSubscriberSource } from '../../src/deliver/subscriberSource.js';
import { fixture } from '../helpers/fixture.js';

const csv = 'email,name\nada@example.org,Ada\n';

describe('which subscriber list is mailed', () => {
  it('prefers --subscribers, then STORYLINE_SUBSCRIBERS, then subscribers.csv, then the example', async () => {
    const root = await fixture({
      'flag.csv': csv,
      'env.csv': csv,
      'subscribers.csv': csv,
      'subscribers.example.csv': csv,
    });
    const flag = path.join(root, 'flag.csv');
    const env = { STORYLINE_SUBSCRIBERS: path.join(root, 'env.csv') };
    expect(await resolveSubscriberSource({ root, flag, env })).toEqual({
      path: flag,
      origin: 'flag',
    });
    expect(await resolveSubscriberSource({ root, env })).toEqual({
      path: path.join(root, 'env.csv'),
      origin: 'env',
    });
    expect(await resolveSubscriberSource({ root, env: {} })).toEqual({
      path: path.join(root, 'subscribers.csv'),
      origin: 'subscribers.csv',
    });
  });

  it('falls back to the committed example list', async () => {
    const root = await fixture({ 'subscribers.example.csv': csv });
    expect(await resolveSubscriberSource({ root, env: { STORYLINE_SUBSCRIBERS: '' } })).toEqual({
      path: path.join(root, 'subscribers.example.csv'),
      origin: 'example',
    });
  });

  it('refuses a list that was asked for and is missing, rather than mailing another', async () => {
    const root = await fixture({ 'subscribers.csv': csv });
    const missing = path.join(root, 'missing.csv');
    await expect(resolveSubscriberSource({ root, flag: missing, env: {} })).rejects.toThrow(
      `Unexpected missing subscriber list \`${missing}\` (from --subscribers), expected a CSV file with an \`email\` column; check the path`,
    );
    await expect(
      resolveSubscriberSource({ root, env: { STORYLINE_SUBSCRIBERS: missing } }),
    ).rejects.toThrow(
      `Unexpected missing subscriber list \`${missing}\` (from STORYLINE_SUBSCRIBERS), expected a CSV file with an \`email\` column; check the path or unset the variable`,
    );
  });

  it('names the files it looked for when there is no list at all', async () => {
    const root = await fixture({ 'subscribers.csv/not-a-file.txt': '' });
    await expect(resolveSubscriberSource({ root, env: {} })).rejects.toThrow(
      `Unexpected missing subscriber list, expected \`${path.join(root, 'subscribers.csv')}\` or \`${path.join(root, 'subscribers.example.csv')}\`; create subscribers.csv with an \`email\` column, or pass --subscribers FILE or set STORYLINE_SUBSCRIBERS`,
    );
  });

  it('says what a list asked for is when it is not a file: a directory, a device', async () => {
    const root = await fixture({ 'lists/readme.txt': '' });
    const folder = path.join(root, 'lists');
    await expect(resolveSubscriberSource({ root, flag: folder, env: {} })).rejects.toThrow(
      `Unexpected \`${folder}\` (from --subscribers): it is a directory, expected a CSV file with an \`email\` column; check the path`,
    );
    await expect(
      resolveSubscriberSource({ root, env: { STORYLINE_SUBSCRIBERS: folder } }),
    ).rejects.toThrow(
      `Unexpected \`${folder}\` (from STORYLINE_SUBSCRIBERS): it is a directory, expected a CSV file with an \`email\` column; check the path or unset the variable`,
    );
    await expect(resolveSubscriberSource({ root, flag: '/dev/null', env: {} })).rejects.toThrow(
      'Unexpected `/dev/null` (from --subscribers): it is not a regular file (a character device), expected a CSV file',
    );
  });
});
