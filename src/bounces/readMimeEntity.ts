/**
 * Just enough MIME to read a mailed report (RFC 2045/2046): an entity's
 * header fields and body, a multipart's parts, a body's transfer encoding
 * undone. Bytes stay bytes until a caller decodes them; nothing here throws
 * on malformed input, it returns what it can find.
 */

export interface MimeEntity {
  /** Lowercased field name → its unfolded values, in order. */
  headers: Map<string, string[]>;
  body: Buffer;
}

export interface ContentType {
  /** `type/subtype`, lowercased; `text/plain` when absent (RFC 2045 §5.2). */
  mediaType: string;
  /** Parameter names lowercased, values unquoted. */
  params: Map<string, string>;
}

/** Splits at the first empty line (CRLF or LF); a message without one is all header. */
export function readMimeEntity(raw: Buffer): MimeEntity {
  let end = -1;
  let bodyStart = raw.length;
  for (let i = raw.indexOf(10); i !== -1; i = raw.indexOf(10, i + 1)) {
    const next = raw[i + 1];
    if (next === 10) {
      end = i + 1;
      bodyStart = i + 2;
      break;
    }
    if (next === 13 && raw[i + 2] === 10) {
      end = i + 1;
      bodyStart = i + 3;
      break;
    }
  }
  // A body starting right away (no header at all) begins with an empty line.
  if (raw[0] === 10 || (raw[0] === 13 && raw[1] === 10)) {
    return { headers: new Map(), body: raw.subarray(raw[0] === 10 ? 1 : 2) };
  }
  const head = end === -1 ? raw : raw.subarray(0, end);
  return { headers: readHeaderFields(head.toString('latin1')), body: raw.subarray(bodyStart) };
}

/**
 * Header fields (RFC 5322 §2.2), unfolded; also the field blocks of a
 * `message/delivery-status` or `message/feedback-report` body, which share
 * the syntax. Lines that are not fields are skipped.
 */
export function readHeaderFields(text: string): Map<string, string[]> {
  const fields = new Map<string, string[]>();
  let name: string | undefined;
  let value = '';
  const flush = () => {
    if (name === undefined) return;
    const values = fields.get(name) ?? [];
    values.push(value.trim());
    fields.set(name, values);
    name = undefined;
  };
  for (const line of text.split(/\r?\n/)) {
    if (/^[ \t]/.test(line)) {
      if (name !== undefined) value += ` ${line.trim()}`;
      continue;
    }
    flush();
    const match = /^([!-9;-~]+)[ \t]*:(.*)$/.exec(line);
    if (!match?.[1]) continue;
    name = match[1].toLowerCase();
    value = match[2] ?? '';
  }
  flush();
  return fields;
}

/** The first value of a field, or undefined. */
export function headerValue(headers: Map<string, string[]>, name: string): string | undefined {
  return headers.get(name)?.[0];
}

export function readContentType(headers: Map<string, string[]>): ContentType {
  const value = headerValue(headers, 'content-type') ?? 'text/plain';
  const [type = '', ...rest] = splitParams(value);
  const params = new Map<string, string>();
  for (const param of rest) {
    const eq = param.indexOf('=');
    if (eq === -1) continue;
    const key = param.slice(0, eq).trim().toLowerCase();
    let val = param.slice(eq + 1).trim();
    if (val.startsWith('"') && val.endsWith('"') && val.length >= 2)
      val = val.slice(1, -1).replace(/\\(.)/g, '$1');
    params.set(key, val);
  }
  const mediaType = type.trim().toLowerCase() || 'text/plain';
  return { mediaType, params };
}

/** Splits `a; b="x;y"; c` at semicolons outside quotes. */
function splitParams(value: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch === '\\' && quoted) {
      current += ch + (value[i + 1] ?? '');
      i++;
      continue;
    }
    if (ch === '"') quoted = !quoted;
    if (ch === ';' && !quoted) {
      out.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  out.push(current);
  return out;
}

/**
 * The body parts of a multipart body (RFC 2046 §5.1.1), preamble and
 * epilogue dropped. At most `maxParts`: a report has a handful, and a
 * hostile one should not make us split forever.
 */
export function splitMultipart(body: Buffer, boundary: string, maxParts = 64): Buffer[] {
  const delimiter = Buffer.from(`--${boundary}`, 'latin1');
  const starts: number[] = [];
  let closed = -1;
  for (let at = body.indexOf(delimiter); at !== -1; at = body.indexOf(delimiter, at + 1)) {
    // Only at the start of a line.
    if (at !== 0 && body[at - 1] !== 10) continue;
    const after = at + delimiter.length;
    if (body[after] === 45 && body[after + 1] === 45) {
      closed = at;
      break;
    }
    starts.push(at);
    if (starts.length > maxParts) break;
  }
  const parts: Buffer[] = [];
  for (let i = 0; i < starts.length && parts.length < maxParts; i++) {
    const start = starts[i] as number;
    const lineEnd = body.indexOf(10, start);
    if (lineEnd === -1) break;
    const next = starts[i + 1] ?? (closed === -1 ? body.length : closed);
    // The CRLF before the next delimiter belongs to the delimiter.
    let end = next;
    if (end > lineEnd + 1 && body[end - 1] === 10) end--;
    if (end > lineEnd + 1 && body[end - 1] === 13) end--;
    parts.push(body.subarray(lineEnd + 1, Math.max(lineEnd + 1, end)));
  }
  return parts;
}

/** Undoes `base64` or `quoted-printable`; anything else (7bit, 8bit, binary) is as is. */
export function decodeTransferEncoding(headers: Map<string, string[]>, body: Buffer): Buffer {
  const encoding = headerValue(headers, 'content-transfer-encoding')?.trim().toLowerCase();
  if (encoding === 'base64')
    return Buffer.from(body.toString('latin1').replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
  if (encoding === 'quoted-printable') {
    const text = body
      .toString('latin1')
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) =>
        String.fromCharCode(Number.parseInt(hex, 16)),
      );
    return Buffer.from(text, 'latin1');
  }
  return body;
}
