/**
 * The fast path of certificate parsing: a CertView read straight from strict DER for
 * certificates in the common profile (what CAs, openssl and our generator write). It reads
 * exactly what `parseCertificate`'s pkijs path reads and renders it the same way (a unit
 * test compares both on every fixture). Anything unusual throws `DerOutOfProfile` and
 * `parseCertificate` falls back to pkijs, which stays the parser of record.
 */
import { X509Certificate } from 'node:crypto';
import {
  OID_COMMON_NAME,
  keyUsageFlags,
  renderIpAddress,
  renderName,
  signatureAlgorithmName,
  type NameAttribute,
} from './cert-names';
import {
  bitStringOctets,
  children,
  DerOutOfProfile,
  ensure,
  oidText,
  readOnly,
  smallInteger,
  TAG_BIT_STRING,
  TAG_BOOLEAN,
  TAG_INTEGER,
  TAG_NULL,
  TAG_OCTET_STRING,
  TAG_SEQUENCE,
  TAG_SET,
  type DerElement,
} from './der';
import { describePublicKey } from './public-key';
import { describeSpkiDer } from './public-key-der';
import type { CertView, KeyUsageFlags, PublicKeyInfo } from './types';
import {
  OID_AUTHORITY_KEY_ID,
  OID_BASIC_CONSTRAINTS,
  OID_EXT_KEY_USAGE,
  OID_KEY_USAGE,
  OID_SUBJECT_ALT_NAME,
  OID_SUBJECT_KEY_ID,
} from './oids';

/**
 * String types asn1js decodes byte by byte (String.fromCharCode), as pkijs renders them,
 * and OpenSSL accepts in a Name (B_ASN1_PRINTABLE; it refuses a VisibleString there).
 */
const BYTE_STRING_TAGS = new Set([0x12, 0x13, 0x14, 0x16]);
const TAG_UTF8_STRING = 0x0c;
const TAG_UTC_TIME = 0x17;
const TAG_GENERALIZED_TIME = 0x18;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A CertView from DER in the fast profile; throws DerOutOfProfile otherwise. */
export function readCertificateDer(der: Uint8Array, sha256: string): CertView {
  const own = new Uint8Array(der);
  const [tbs, signatureAlgorithm, signature, ...rest] = children(readOnly(own, TAG_SEQUENCE));
  ensure(tbs?.tag === TAG_SEQUENCE && signature?.tag === TAG_BIT_STRING, 'Certificate');
  ensure(signatureAlgorithm !== undefined && rest.length === 0, 'Certificate shape');
  bitStringOctets(signature);

  const fields = children(tbs);
  let index = 0;
  if (fields[0]?.tag === 0xa0) {
    smallInteger(single(fields[0]));
    index++;
  }
  const [serial, tbsSignature, issuer, validity, subject, spki] = fields.slice(index, index + 6);
  ensure(serial?.tag === TAG_INTEGER && isMinimalInteger(serial.content), 'serial');
  ensure(tbsSignature !== undefined && spki?.tag === TAG_SEQUENCE, 'TBSCertificate shape');
  algorithmOid(tbsSignature);
  const extensions = optionalFields(fields.slice(index + 6));
  const [notBefore, notAfter, ...moreTimes] = children(expectSequence(validity));
  ensure(notBefore !== undefined && notAfter !== undefined && moreTimes.length === 0, 'dates');

  const subjectAttributes = nameAttributes(expectSequence(subject));
  const issuerAttributes = nameAttributes(expectSequence(issuer!));
  const altNames = subjectAltNames(extensions.get(OID_SUBJECT_ALT_NAME));
  const basicConstraints = basicConstraintsOf(extensions.get(OID_BASIC_CONSTRAINTS));
  const subjectDer = subject!.encoded.slice();
  const issuerDer = issuer!.encoded.slice();
  return {
    der: own,
    sha256,
    serialHex: serialHex(serial.content),
    subject: renderName(subjectAttributes),
    issuer: renderName(issuerAttributes),
    subjectDer,
    issuerDer,
    commonNames: subjectAttributes.filter((a) => a.oid === OID_COMMON_NAME).map((a) => a.value),
    notBefore: timeOf(notBefore),
    notAfter: timeOf(notAfter),
    dnsNames: altNames.dnsNames,
    ipAddresses: altNames.ipAddresses,
    extKeyUsage: extKeyUsage(extensions.get(OID_EXT_KEY_USAGE)),
    keyUsage: keyUsage(extensions.get(OID_KEY_USAGE)),
    isCA: basicConstraints?.isCA ?? false,
    pathLen: basicConstraints?.pathLen ?? null,
    hasBasicConstraints: basicConstraints !== undefined,
    selfIssued: Buffer.from(subjectDer).equals(Buffer.from(issuerDer)),
    subjectKeyId: subjectKeyId(extensions.get(OID_SUBJECT_KEY_ID)),
    authorityKeyId: authorityKeyId(extensions.get(OID_AUTHORITY_KEY_ID)),
    signatureAlgorithm: signatureAlgorithmName(algorithmOid(signatureAlgorithm)),
    publicKey: publicKeyOf(spki.encoded, own),
  };
}

/** Extensions [3]; the deprecated unique IDs ([1], [2]) are left to pkijs. */
function optionalFields(fields: DerElement[]): Map<string, Uint8Array> {
  const [extensionsField, ...rest] = fields;
  ensure(rest.length === 0, 'TBSCertificate tail');
  if (extensionsField === undefined) return new Map();
  ensure(extensionsField.tag === 0xa3, 'TBSCertificate tail');
  return extensionValues(single(extensionsField));
}

/** extnID -> extnValue bytes; the first extension of an OID wins, as pkijs' `find` does. */
function extensionValues(list: DerElement): Map<string, Uint8Array> {
  const values = new Map<string, Uint8Array>();
  const extensions = children(expectSequence(list));
  ensure(extensions.length > 0, 'empty extensions');
  for (const extension of extensions) {
    const parts = children(expectSequence(extension));
    const [oid, second, third, ...rest] = parts;
    ensure(oid !== undefined && rest.length === 0, 'Extension shape');
    const critical = third === undefined ? undefined : second;
    const value = third ?? second;
    ensure(
      critical === undefined || (critical.tag === TAG_BOOLEAN && critical.content.length === 1),
      'Extension critical',
    );
    ensure(value?.tag === TAG_OCTET_STRING, 'Extension value');
    const id = oidText(oid);
    if (!values.has(id)) values.set(id, value.content);
  }
  return values;
}

function single(tagged: DerElement): DerElement {
  const [inner, ...rest] = children(tagged);
  ensure(inner !== undefined && rest.length === 0, 'explicit tag shape');
  return inner;
}

function expectSequence(element: DerElement | undefined): DerElement {
  ensure(element?.tag === TAG_SEQUENCE, 'SEQUENCE expected');
  return element;
}

/** A signature AlgorithmIdentifier: parameters absent (ECDSA) or NULL (RSA PKCS#1). */
function algorithmOid(algorithm: DerElement): string {
  const [oid, ...parameters] = children(expectSequence(algorithm));
  ensure(oid !== undefined && parameters.length <= 1, 'AlgorithmIdentifier shape');
  const parameter = parameters[0];
  ensure(parameter === undefined || isNull(parameter), 'algorithm parameters');
  return oidText(oid);
}

/** OpenSSL refuses an INTEGER with a redundant leading 0x00 or 0xFF ("illegal padding"). */
function isMinimalInteger(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return false;
  if (bytes.length === 1) return true;
  const [first, second] = [bytes[0]!, bytes[1]!];
  return !(first === 0 && second < 0x80) && !(first === 0xff && second >= 0x80);
}

function isNull(element: DerElement): boolean {
  return element.tag === TAG_NULL && element.content.length === 0;
}

/** Name attributes in stored order, multi-valued RDNs flattened, as pkijs lists them. */
function nameAttributes(name: DerElement): NameAttribute[] {
  const attributes: NameAttribute[] = [];
  for (const rdn of children(name)) {
    ensure(rdn.tag === TAG_SET, 'RDN');
    const members = children(rdn);
    ensure(members.length > 0, 'empty RDN');
    for (const member of members) {
      const [type, value, ...rest] = children(expectSequence(member));
      ensure(type !== undefined && value !== undefined && rest.length === 0, 'attribute');
      attributes.push({ oid: oidText(type), value: stringValue(value) });
    }
  }
  return attributes;
}

function stringValue(value: DerElement): string {
  if (value.tag === TAG_UTF8_STRING) {
    try {
      return strictUtf8.decode(value.content);
    } catch {
      throw new DerOutOfProfile('invalid UTF-8');
    }
  }
  ensure(BYTE_STRING_TAGS.has(value.tag), 'attribute value type');
  return Buffer.from(value.content).toString('latin1');
}

/** UTCTime `YYMMDDHHMMSSZ` (years 50-99 are 19xx) or GeneralizedTime `YYYYMMDDHHMMSSZ`. */
function timeOf(time: DerElement): Date {
  const text = Buffer.from(time.content).toString('latin1');
  let digits: string;
  let year: number;
  if (time.tag === TAG_UTC_TIME && /^\d{12}Z$/.test(text)) {
    const short = Number(text.slice(0, 2));
    year = short >= 50 ? 1900 + short : 2000 + short;
    digits = text.slice(2);
  } else {
    ensure(time.tag === TAG_GENERALIZED_TIME && /^\d{14}Z$/.test(text), 'time form');
    year = Number(text.slice(0, 4));
    ensure(year >= 100, 'year below 100');
    digits = text.slice(4);
  }
  const part = (i: number) => Number(digits.slice(i * 2, i * 2 + 2));
  const date = new Date(Date.UTC(year, part(0) - 1, part(1), part(2), part(3), part(4)));
  // A field out of range (month 13, 24:00, a leap second) would roll over here; OpenSSL
  // refuses such a time, so the pkijs path (which asks OpenSSL for the key) handles it.
  const fields = [date.getUTCMonth() + 1, date.getUTCDate(), date.getUTCHours()];
  ensure(
    fields.every((value, i) => value === part(i)),
    'time field out of range',
  );
  ensure(date.getUTCMinutes() === part(3) && date.getUTCSeconds() === part(4), 'time range');
  return date;
}

function subjectAltNames(value: Uint8Array | undefined) {
  const dnsNames: string[] = [];
  const ipAddresses: string[] = [];
  if (value === undefined) return { dnsNames, ipAddresses };
  for (const name of children(readOnly(value, TAG_SEQUENCE))) {
    if (name.tag === 0x82) dnsNames.push(Buffer.from(name.content).toString('latin1'));
    else if (name.tag === 0x87) ipAddresses.push(renderIpAddress(name.content));
    // rfc822Name and URI are read by neither path; other forms go to pkijs.
    else ensure(name.tag === 0x81 || name.tag === 0x86, 'GeneralName form');
  }
  return { dnsNames, ipAddresses };
}

function extKeyUsage(value: Uint8Array | undefined): string[] | null {
  if (value === undefined) return null;
  const purposes = children(readOnly(value, TAG_SEQUENCE)).map(oidText);
  ensure(purposes.length > 0, 'empty EKU');
  return purposes;
}

/** KeyUsage BIT STRING: bit 0 is the most significant bit of the first byte. */
function keyUsage(value: Uint8Array | undefined): KeyUsageFlags | null {
  if (value === undefined) return null;
  const bits = readOnly(value, TAG_BIT_STRING).content;
  ensure(bits.length >= 1 && bits[0]! <= 7, 'KeyUsage');
  const bytes = bits.subarray(1);
  return keyUsageFlags(bytes);
}

function basicConstraintsOf(value: Uint8Array | undefined) {
  if (value === undefined) return undefined;
  let parts = children(readOnly(value, TAG_SEQUENCE));
  let isCA = false;
  if (parts[0]?.tag === TAG_BOOLEAN) {
    ensure(parts[0].content.length === 1, 'BOOLEAN length');
    isCA = parts[0].content[0] !== 0;
    parts = parts.slice(1);
  }
  ensure(parts.length <= 1, 'BasicConstraints shape');
  const pathLen = parts[0] === undefined ? null : smallInteger(parts[0]);
  return { isCA, pathLen };
}

function subjectKeyId(value: Uint8Array | undefined): string | null {
  return value === undefined ? null : toHex(readOnly(value, TAG_OCTET_STRING).content);
}

function authorityKeyId(value: Uint8Array | undefined): string | null {
  if (value === undefined) return null;
  const parts = children(readOnly(value, TAG_SEQUENCE));
  const tags = parts.map((part) => part.tag);
  ensure(
    // The issuer and serial form ([1], [2]) is left to pkijs, which parses its names.
    tags.every((tag, i) => tag === 0x80 && i === 0),
    'AuthorityKeyIdentifier shape',
  );
  const keyIdentifier = parts.find((part) => part.tag === 0x80);
  return keyIdentifier === undefined ? null : toHex(keyIdentifier.content);
}

/** Fast SPKI reading; OpenSSL's re-encoding through node:crypto for other key types. */
function publicKeyOf(spki: Uint8Array, der: Uint8Array): PublicKeyInfo {
  try {
    return describeSpkiDer(spki);
  } catch (error) {
    if (!(error instanceof DerOutOfProfile)) throw error;
  }
  try {
    return describePublicKey(new X509Certificate(der).publicKey);
  } catch {
    // pkijs' path knows what to report for a key OpenSSL cannot load.
    throw new DerOutOfProfile('public key OpenSSL cannot load');
  }
}

/** Serial as OpenSSL prints it: uppercase hex without the DER sign byte. */
function serialHex(bytes: Uint8Array): string {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  return toHex(bytes.subarray(start));
}

function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex').toUpperCase();
}
