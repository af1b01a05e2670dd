import { randomBytes } from 'node:crypto';
import addressparser from 'nodemailer/lib/addressparser';
import { encodeWord, encodeWords, foldLines } from 'nodemailer/lib/mime-funcs';
import { encode as qpEncode, wrap as qpWrap } from 'nodemailer/lib/qp';
import type { Config } from '../config/configSchema.js';
import { escapeXml } from '../render/escapeXml.js';
import type { Rendered } from '../render/Rendered.js';
import type { RecipientSlot } from '../render/templateSlots.js';
import {
  footerUnsubscribeUrl,
  listId,
  unsubscribeHeaders,
  unsubscribeTargetsFor,
} from './listHeaders.js';

export interface RawRecipient {
  email: string;
  name?: string | undefined;
}

export interface RawPersonal {
  /** The recipient's unsubscribe token. */
  token: string;
  /** `<…@domain>`, unique per recipient and edition. */
  messageId: string;
  date: Date;
  /** The envelope sender (MAIL FROM) for this copy, a VERP address; else the `from` address. */
  envelopeFrom?: string | undefined;
}

/** A message ready for a transport: the SMTP envelope and the RFC 5322 bytes. */
export interface RawMessage {
  envelope: { from: string; to: string[] };
  messageId: string;
  raw: Buffer;
}

type MessageConfig = Pick<Config, 'from' | 'replyTo' | 'publication' | 'siteUrl' | 'unsubscribe'>;

/** Encoded bytes of a body, or the slot between two of them. */
type Segment = Buffer | RecipientSlot;

/**
 * Build an edition's message once, so that each recipient's copy is a few
 * byte copies: the headers that do not change and both body parts are
 * encoded here (quoted-printable, CRLF), split where a per-recipient value
 * goes. A soft line break on each side of a value lets it be encoded on its
 * own and dropped in without re-encoding the parts around it. This is the
 * "render once, personalise cheaply" half of sending; the other half is the
 * transport taking the bytes as they are.
 */
export function prepareRawMessage(
  rendered: Rendered,
  config: MessageConfig,
  options: { subjectPrefix?: string } = {},
): (recipient: RawRecipient, personal: RawPersonal) => RawMessage {
  const boundary = `----storyline-${randomBytes(12).toString('hex')}`;
  const sender = addressparser(config.from, { flatten: true })[0]?.address ?? '';
  const fixedHeaders = [
    header('From', formatAddress(config.from)),
    ...(config.replyTo ? [header('Reply-To', formatAddress(config.replyTo))] : []),
    header(
      'Subject',
      encodeSubject(`${options.subjectPrefix ?? ''}${rendered.subject}`.replace(/[\r\n]+/g, ' ')),
    ),
    header('List-Id', encodeWords(listId(config), 'Q', 52)),
    header('MIME-Version', '1.0'),
    header('Content-Type', `multipart/alternative; boundary="${boundary}"`),
  ].join('');
  const textSegments = segments(rendered.text, rendered.markers);
  const htmlSegments = segments(rendered.html, rendered.markers);
  const partHeader = (type: string) =>
    `--${boundary}\r\n${header('Content-Type', `${type}; charset=utf-8`)}${header('Content-Transfer-Encoding', 'quoted-printable')}\r\n`;
  // The parts that never change are bytes already, so a recipient's copy is
  // one allocation and a few copies, not a 25 KB string encoded again.
  const fixedHeaderBytes = Buffer.from(fixedHeaders, 'utf8');
  const textHead = Buffer.from(`\r\n${partHeader('text/plain')}`, 'utf8');
  const htmlHead = Buffer.from(`\r\n${partHeader('text/html')}`, 'utf8');
  const closing = Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8');
  const unsubscribeTargets = unsubscribeTargetsFor(config);

  return (recipient, personal) => {
    const targets = unsubscribeTargets(personal.token);
    const unsubscribeUrl = footerUnsubscribeUrl(targets, config);
    const name = recipient.name?.trim() || 'reader';
    const personalHeaders = [
      header(
        'To',
        formatAddress(
          recipient.name ? `${quoteName(recipient.name)} <${recipient.email}>` : recipient.email,
        ),
      ),
      header('Date', formatDate(personal.date)),
      header('Message-ID', personal.messageId),
      ...Object.entries(unsubscribeHeaders(targets)).map(([key, value]) => header(key, value)),
    ].join('');
    const pieces: (Buffer | string)[] = [fixedHeaderBytes, personalHeaders, textHead];
    fill(pieces, textSegments, { unsubscribe_url: unsubscribeUrl, name });
    pieces.push(htmlHead);
    fill(pieces, htmlSegments, {
      unsubscribe_url: escapeXml(unsubscribeUrl),
      name: escapeXml(name),
    });
    pieces.push(closing);
    return {
      envelope: { from: personal.envelopeFrom ?? sender, to: [recipient.email] },
      messageId: personal.messageId,
      raw: join(pieces),
    };
  };
}

/** Split a body at its markers and encode the pieces between them. */
function segments(body: string, markers: Record<RecipientSlot, string>): Segment[] {
  const bySlot = Object.entries(markers) as [RecipientSlot, string][];
  const pattern = new RegExp(bySlot.map(([, marker]) => escapeRegExp(marker)).join('|'), 'g');
  const result: Segment[] = [];
  let last = 0;
  for (const match of body.matchAll(pattern)) {
    result.push(Buffer.from(encodeBody(body.slice(last, match.index)), 'utf8'));
    result.push(bySlot.find(([, marker]) => marker === match[0])?.[0] ?? 'name');
    last = match.index + match[0].length;
  }
  result.push(Buffer.from(encodeBody(body.slice(last)), 'utf8'));
  return result;
}

/** Append a body's pieces to `out`, each slot encoded on its own between soft line breaks. */
function fill(
  out: (Buffer | string)[],
  parts: Segment[],
  values: Record<RecipientSlot, string>,
): void {
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as Segment;
    // Even indexes hold encoded text, odd ones a slot (see `segments`).
    out.push(i % 2 === 0 ? part : `=\r\n${encodeBody(values[part as RecipientSlot])}=\r\n`);
  }
}

/** Bytes and strings (as UTF-8) joined into one buffer. */
function join(pieces: (Buffer | string)[]): Buffer {
  let length = 0;
  for (const piece of pieces)
    length += typeof piece === 'string' ? Buffer.byteLength(piece, 'utf8') : piece.length;
  const raw = Buffer.allocUnsafe(length);
  let offset = 0;
  for (const piece of pieces) {
    offset +=
      typeof piece === 'string' ? raw.write(piece, offset, 'utf8') : piece.copy(raw, offset);
  }
  return raw;
}

function encodeBody(text: string): string {
  return qpWrap(qpEncode(text.replace(/\r?\n/g, '\r\n')), 76);
}

/**
 * The subject as header text that folds. `encodeWords` leaves ASCII as it is,
 * and folding breaks only at spaces, so a long run without one would make a
 * line past RFC 5322's 998 octets; such a subject is encoded whole, as
 * encoded words short enough to fold between.
 */
function encodeSubject(subject: string): string {
  return /\S{60}/.test(subject) ? encodeWord(subject, 'Q', 52) : encodeWords(subject, 'Q', 52);
}

function header(name: string, value: string): string {
  return `${foldLines(`${name}: ${value}`, 76)}\r\n`;
}

/** `Name <address>` with the name encoded when it is not plain ASCII. */
function formatAddress(value: string): string {
  const [first] = addressparser(value, { flatten: true });
  if (!first?.address) return value.replace(/[\r\n]+/g, ' ');
  if (!first.name) return first.address;
  const name = /^[\x20-\x7e]*$/.test(first.name)
    ? quoteName(first.name)
    : encodeWords(first.name, 'Q', 52);
  return `${name} <${first.address}>`;
}

function quoteName(name: string): string {
  const clean = name.replace(/[\r\n]+/g, ' ').trim();
  return /^[\w !#$%&'*+\-/=?^`{|}~]*$/.test(clean) ? clean : `"${clean.replace(/["\\]/g, '\\$&')}"`;
}

/** RFC 5322 date in UTC: `Mon, 10 Feb 2014 09:00:00 +0000`. */
function formatDate(date: Date): string {
  return date.toUTCString().replace(/GMT$/, '+0000');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
