/**
 * Subject DNs and subjectAltName entries as pkijs objects.
 */
import { isIP } from 'node:net';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { SubjectFields } from './types';

/** Attribute OIDs in the order they appear in the DN (most significant first). */
const SUBJECT_ATTRIBUTES: { field: keyof SubjectFields; oid: string }[] = [
  { field: 'country', oid: '2.5.4.6' },
  { field: 'state', oid: '2.5.4.8' },
  { field: 'locality', oid: '2.5.4.7' },
  { field: 'organization', oid: '2.5.4.10' },
  { field: 'organizationalUnit', oid: '2.5.4.11' },
  { field: 'commonName', oid: '2.5.4.3' },
  { field: 'emailAddress', oid: '1.2.840.113549.1.9.1' },
];

function attributeValue(field: keyof SubjectFields, value: string): asn1js.BaseStringBlock {
  // RFC 5280: countryName is PrintableString, emailAddress IA5String; others UTF8String.
  if (field === 'country') return new asn1js.PrintableString({ value });
  if (field === 'emailAddress') return new asn1js.IA5String({ value });
  return new asn1js.Utf8String({ value });
}

/**
 * One attribute per RDN, as `openssl req -subj` writes them. pkijs's own encoder would put
 * all attributes into a single multi-valued RDN, so the DER is built here and parsed back.
 */
export function buildDistinguishedName(subject: SubjectFields): pkijs.RelativeDistinguishedNames {
  const rdns: asn1js.Set[] = [];
  for (const { field, oid } of SUBJECT_ATTRIBUTES) {
    const value = subject[field];
    if (value === undefined || value === '') continue;
    const attribute = new pkijs.AttributeTypeAndValue({
      type: oid,
      value: attributeValue(field, value),
    });
    rdns.push(new asn1js.Set({ value: [attribute.toSchema()] }));
  }
  const der = new asn1js.Sequence({ value: rdns }).toBER(false);
  return pkijs.RelativeDistinguishedNames.fromBER(der);
}

/** Network-order bytes of an IPv4 or IPv6 literal; null when `text` is neither. */
export function ipAddressBytes(text: string): Uint8Array | null {
  const family = isIP(text);
  if (family === 4) return new Uint8Array(text.split('.').map(Number));
  if (family !== 6) return null;

  const bytes = new Uint8Array(16);
  let address = text;
  const lastColon = address.lastIndexOf(':');
  const tail = address.slice(lastColon + 1);
  const groups: number[] = [];
  if (tail.includes('.')) {
    // Embedded IPv4 (e.g. ::ffff:192.0.2.1) stands for the last two groups.
    const [a = 0, b = 0, c = 0, d = 0] = tail.split('.').map(Number);
    address =
      `${address.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:` +
      ((c << 8) | d).toString(16);
  }
  const [head = '', rest] = address.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const restGroups = rest === undefined || rest === '' ? [] : rest.split(':');
  const zeros = 8 - headGroups.length - restGroups.length;
  groups.push(...headGroups.map((g) => parseInt(g, 16)));
  for (let i = 0; i < zeros; i++) groups.push(0);
  groups.push(...restGroups.map((g) => parseInt(g, 16)));
  groups.forEach((group, i) => {
    bytes[i * 2] = group >> 8;
    bytes[i * 2 + 1] = group & 0xff;
  });
  return bytes;
}

/** GeneralName for one SAN entry: iPAddress, rfc822Name (contains `@`) or dNSName. */
export function generalName(entry: string): pkijs.GeneralName {
  const ip = ipAddressBytes(entry);
  if (ip !== null) {
    return new pkijs.GeneralName({ type: 7, value: new asn1js.OctetString({ valueHex: ip }) });
  }
  if (entry.includes('@')) return new pkijs.GeneralName({ type: 1, value: entry });
  return new pkijs.GeneralName({ type: 2, value: entry });
}
