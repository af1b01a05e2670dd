import { readFileSync } from 'node:fs';
import path from 'node:path';

const postfixFixtures = path.join(import.meta.dirname, '..', 'fixtures', 'bounces', 'postfix');

/**
 * A DSN Postfix made (a committed fixture), rewritten for one recipient: its
 * VERP envelope sender wherever the fixture has its own, the failed address,
 * and a Message-ID of its own (a mailed report's id is its Message-ID and
 * the recipient it is about, so copies must differ in it).
 */
export function postfixDsn(fixture: string, verp: string, address: string, n: number): string {
  const text = readFileSync(path.join(postfixFixtures, fixture), 'utf8');
  const failed = /^Final-Recipient: rfc822; *(\S+)$/m.exec(text)?.[1];
  if (!failed) throw new Error(`${fixture} names no Final-Recipient`);
  return text
    .replaceAll(/bounces\+[^@\s>]+@bounces\.storyline\.test/g, verp)
    .replaceAll(failed, address)
    .replace(/^Message-Id: <[^>]+>$/m, `Message-Id: <dsn-${n}@mta.storyline.test>`);
}
