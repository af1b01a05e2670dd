// The generated subscriber list the benches mail: `count` distinct readers,
// one in ten without a name, some names quoted or beyond ASCII, as a real
// list has. Written in chunks, so a list of millions never sits in memory.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

/** The i-th generated address (0-based); the sink's tally checks against the same. */
export function subscriberEmail(i) {
  return `reader${String(i).padStart(7, '0')}@example.org`;
}

/** Writes the list as `email,name` CSV to `file`; resolves to `file`. */
export async function writeList(file, count) {
  const first = ['Ada', 'Grace', 'Zoë', 'José', 'Nguyễn', 'Mary-Ann', 'Søren', 'Aiko', 'Omar'];
  const last = ['Lovelace', 'Hopper', 'Ångström', 'García', 'Văn', "O'Brien", 'Kierkegaard'];
  const stream = createWriteStream(file);
  let chunk = 'email,name\n';
  for (let i = 0; i < count; i++) {
    const email = subscriberEmail(i);
    const name = i % 10 === 9 ? '' : `${first[i % first.length]} ${last[i % last.length]}`;
    chunk += i % 17 === 0 && name ? `${email},"${name}, Jr."\n` : `${email},${name}\n`;
    if (chunk.length > 1 << 20) {
      if (!stream.write(chunk)) await once(stream, 'drain');
      chunk = '';
    }
  }
  stream.end(chunk);
  await once(stream, 'finish');
  return file;
}
