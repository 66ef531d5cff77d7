/**
 * A minimal strict DER reader: one-byte tags, definite minimal lengths, zero-copy views.
 * It serves the fast paths of certificate and key reading; anything it does not accept
 * throws `DerOutOfProfile`, and the caller falls back to pkijs or node:crypto, which stay
 * the readers of record for unusual encodings.
 */

/** The input is outside what the fast reader handles; never carries input bytes. */
export class DerOutOfProfile extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'DerOutOfProfile';
  }
}

export const TAG_BOOLEAN = 0x01;
export const TAG_INTEGER = 0x02;
export const TAG_BIT_STRING = 0x03;
export const TAG_OCTET_STRING = 0x04;
export const TAG_NULL = 0x05;
export const TAG_OID = 0x06;
export const TAG_SEQUENCE = 0x30;
export const TAG_SET = 0x31;

/** One TLV: `content` is the value, `encoded` the whole element (both views of the input). */
export interface DerElement {
  tag: number;
  content: Uint8Array;
  encoded: Uint8Array;
}

/** Throws DerOutOfProfile unless `condition` holds. */
export function ensure(condition: boolean, reason: string): asserts condition {
  if (!condition) throw new DerOutOfProfile(reason);
}

/** Reads the element at `offset`; its end is `offset + encoded.length`. */
export function readElement(bytes: Uint8Array, offset: number): DerElement {
  ensure(offset + 2 <= bytes.length, 'truncated header');
  const tag = bytes[offset]!;
  ensure((tag & 0x1f) !== 0x1f, 'multi-byte tag');

  let length = bytes[offset + 1]!;
  let headerLength = 2;
  if (length & 0x80) {
    const lengthBytes = length & 0x7f;
    ensure(lengthBytes >= 1 && lengthBytes <= 3, 'indefinite or huge length');
    ensure(offset + 2 + lengthBytes <= bytes.length, 'truncated length');
    length = 0;
    for (let i = 0; i < lengthBytes; i++) length = length * 256 + bytes[offset + 2 + i]!;
    // DER: the long form only when needed, with no leading zero byte.
    ensure(length >= 0x80 && bytes[offset + 2] !== 0, 'non-minimal length');
    headerLength += lengthBytes;
  }
  const end = offset + headerLength + length;
  ensure(end <= bytes.length, 'truncated value');
  return {
    tag,
    content: bytes.subarray(offset + headerLength, end),
    encoded: bytes.subarray(offset, end),
  };
}

/** Reads `bytes` as exactly one element of the given tag (no trailing bytes). */
export function readOnly(bytes: Uint8Array, tag: number): DerElement {
  const element = readElement(bytes, 0);
  ensure(element.tag === tag, 'unexpected tag');
  ensure(element.encoded.length === bytes.length, 'trailing bytes');
  return element;
}

/** The children of a constructed element, in order. */
export function children(element: DerElement): DerElement[] {
  ensure((element.tag & 0x20) !== 0, 'not constructed');
  const list: DerElement[] = [];
  for (let offset = 0; offset < element.content.length;) {
    const child = readElement(element.content, offset);
    list.push(child);
    offset += child.encoded.length;
  }
  return list;
}

/** Dotted OID text; arcs are limited to 2^31 so they stay exact numbers. */
export function oidText(element: DerElement): string {
  ensure(element.tag === TAG_OID && element.content.length > 0, 'not an OID');
  const arcs: number[] = [];
  let value = 0;
  for (const byte of element.content) {
    ensure(value < 0x1000000, 'OID arc too large');
    ensure(value !== 0 || byte !== 0x80, 'non-minimal OID arc');
    value = value * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) {
      arcs.push(value);
      value = 0;
    }
  }
  ensure((element.content[element.content.length - 1]! & 0x80) === 0, 'truncated OID');
  const first = arcs[0]!;
  const head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
  return [...head, ...arcs.slice(1)].join('.');
}

/** A non-negative INTEGER in minimal encoding, as its content bytes. */
export function unsignedIntegerBytes(element: DerElement): Uint8Array {
  const bytes = element.content;
  ensure(element.tag === TAG_INTEGER && bytes.length > 0, 'not an INTEGER');
  ensure((bytes[0]! & 0x80) === 0, 'negative INTEGER');
  ensure(bytes.length === 1 || bytes[0] !== 0 || (bytes[1]! & 0x80) !== 0, 'non-minimal INTEGER');
  return bytes;
}

/** A small non-negative INTEGER (below 2^24) as a number. */
export function smallInteger(element: DerElement): number {
  const bytes = unsignedIntegerBytes(element);
  ensure(bytes.length <= 3, 'INTEGER too large');
  return bytes.reduce((value, byte) => value * 256 + byte, 0);
}

/** The bytes of a BIT STRING with no unused bits. */
export function bitStringOctets(element: DerElement): Uint8Array {
  ensure(element.tag === TAG_BIT_STRING && element.content.length >= 1, 'not a BIT STRING');
  ensure(element.content[0] === 0, 'BIT STRING with unused bits');
  return element.content.subarray(1);
}

/** Big-endian unsigned bytes as a bigint. */
export function bigintOf(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
}
