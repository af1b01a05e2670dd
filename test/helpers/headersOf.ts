import { expect } from 'vitest';

/** The message's header lines by lowercased name, unfolded. */
export function headersOf(raw: Buffer): Map<string, string[]> {
  const head = raw.toString('utf8').split('\r\n\r\n', 1)[0] ?? '';
  const headers = new Map<string, string[]>();
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).toLowerCase();
    headers.set(name, [...(headers.get(name) ?? []), line.slice(colon + 1).trim()]);
  }
  return headers;
}

/** The one value of header `name`, failing the test when it is missing or repeated. */
export function only(headers: Map<string, string[]>, name: string): string {
  const values = headers.get(name) ?? [];
  expect(values, `${name} once`).toHaveLength(1);
  return values[0] as string;
}
