import { createHash } from 'node:crypto';
import { base32Decode, base32Encode } from '../util/base32.js';

/** The local part's fixed start: `bounces+<id>@<bounces.domain>`. */
export const verpPrefix = 'bounces+';

const tagBytes = 4;
/** The 22-character address hash is 132 bits: 17 bytes hold it whole (the last 4 bits zero). */
const hashBytes = 17;

/**
 * Which edition a VERP id names, as 4 bytes of the SHA-256 of its id: short,
 * and the edition ids are public (the archive's folders) so nothing is hidden
 * by keying it. A bounce names one of the editions the ledger knows; 2^32
 * tags make two editions of one story sharing a tag negligible.
 */
export function editionTag(editionId: string): string {
  return createHash('sha256')
    .update(editionId, 'utf8')
    .digest()
    .subarray(0, tagBytes)
    .toString('hex');
}

/**
 * The opaque id in a message's envelope sender: the edition's tag and the
 * recipient's address hash (`addressHash`, keyed with `STORYLINE_SECRET`),
 * 21 bytes as lowercase base32, 34 characters. A bounce to it names the
 * edition and the recipient without the original message, and without the
 * address: only the key's holder can make or read the hash, so a stranger
 * cannot forge a bounce for someone else. Case-insensitive, as some mail
 * systems change the case of local parts.
 */
export function encodeVerpId(editionId: string, hash: string): string {
  // 22 base64url characters and 2 padding ones are 18 bytes; the first 17 hold every bit.
  const hashPart = Buffer.from(`${hash}AA`, 'base64url').subarray(0, hashBytes);
  return base32Encode(Buffer.concat([Buffer.from(editionTag(editionId), 'hex'), hashPart]));
}

export interface VerpId {
  /** `editionTag` of the edition it was sent in. */
  tag: string;
  /** The recipient's 22-character address hash. */
  hash: string;
}

/**
 * The edition tag and address hash in a VERP id, or in a whole
 * `bounces+<id>@domain` address; undefined when it is not one.
 */
export function decodeVerpId(value: string): VerpId | undefined {
  let id = value.trim();
  const at = id.lastIndexOf('@');
  if (at >= 0) id = id.slice(0, at);
  if (id.toLowerCase().startsWith(verpPrefix)) id = id.slice(verpPrefix.length);
  const bytes = base32Decode(id);
  if (bytes?.length !== tagBytes + hashBytes) return undefined;
  const hashPart = bytes.subarray(tagBytes);
  // The 4 bits past the hash's 132 are zero in every id this makes.
  if (((hashPart[hashBytes - 1] ?? 0) & 0x0f) !== 0) return undefined;
  return {
    tag: bytes.subarray(0, tagBytes).toString('hex'),
    hash: hashPart.toString('base64url').slice(0, 22),
  };
}

/** The envelope sender (MAIL FROM, Return-Path) of one recipient's copy of an edition. */
export function verpAddress(domain: string, editionId: string, hash: string): string {
  return `${verpPrefix}${encodeVerpId(editionId, hash)}@${domain}`;
}
