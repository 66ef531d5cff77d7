import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readPem } from '../../server/src/pki/pem';
import {
  CertificateParseError,
  isSignedBy,
  parseCertificate,
} from '../../server/src/pki/certificate';
import { renderIpAddress } from '../../server/src/pki/cert-names';
import { EKU_CLIENT_AUTH, EKU_SERVER_AUTH } from '../../server/src/pki/types';

const FIXTURES = join(__dirname, '..', 'fixtures', 'pki');
const load = (name: string) => {
  const der = readPem(readFileSync(join(FIXTURES, name)), name).blocks[0]!.der!;
  return parseCertificate(der);
};
/** OpenSSL's own reading of a fixture, as the oracle for hex fields. */
const openssl = (name: string, ...args: string[]) =>
  execFileSync('openssl', ['x509', '-in', join(FIXTURES, name), '-noout', ...args], {
    encoding: 'utf8',
  }).trim();

test('server leaf: names, SAN DNS and IP, EKU, key usage', () => {
  const server = load('server.crt');
  assert.equal(server.subject, 'CN=apache.server.name,O=My Organization');
  assert.equal(server.issuer, 'CN=Test Root CA,O=My Organization');
  assert.deepEqual(server.commonNames, ['apache.server.name']);
  assert.deepEqual(server.dnsNames, ['apache.server.name', 'www.apache.server.name']);
  assert.deepEqual(server.ipAddresses, ['127.0.0.1', '::1']);
  assert.deepEqual(server.extKeyUsage, [EKU_SERVER_AUTH]);
  assert.equal(server.keyUsage?.digitalSignature, true);
  assert.equal(server.keyUsage?.keyEncipherment, true);
  assert.equal(server.keyUsage?.keyCertSign, false);
  assert.equal(server.isCA, false);
  assert.equal(server.selfIssued, false);
  assert.equal(server.signatureAlgorithm, 'sha256WithRSAEncryption');
  assert.equal(server.publicKey.algorithm, 'rsa');
  assert.equal(server.publicKey.bits, 2048);
});

test('hex fields agree with openssl', () => {
  const client = load('client.crt');
  assert.equal(`serial=${client.serialHex}`, openssl('client.crt', '-serial'));
  const fingerprint = openssl('client.crt', '-fingerprint', '-sha256').split('=')[1]!;
  assert.equal(client.sha256, fingerprint.replace(/:/g, ''));
  const text = openssl('client.crt', '-text');
  const ski = /Subject Key Identifier:\s*\n\s*([0-9A-F:]+)/.exec(text)![1]!.replace(/:/g, '');
  assert.equal(client.subjectKeyId, ski);
  assert.equal(client.authorityKeyId, load('root.crt').subjectKeyId);
  assert.deepEqual(client.extKeyUsage, [EKU_CLIENT_AUTH]);
});

test('CA certificates: basicConstraints, pathLen, self-issued root', () => {
  const root = load('root.crt');
  assert.equal(root.isCA, true);
  assert.equal(root.pathLen, null);
  assert.equal(root.selfIssued, true);
  assert.equal(root.extKeyUsage, null);
  assert.equal(root.keyUsage?.keyCertSign, true);
  assert.equal(root.keyUsage?.cRLSign, true);
  assert.equal(load('int-pathlen0.crt').pathLen, 0);
  assert.deepEqual(Buffer.from(load('int1.crt').issuerDer), Buffer.from(root.subjectDer));
});

test('CN-only leaf has no SAN; expired leaf has its dates', () => {
  const cnOnly = load('cn-only.crt');
  assert.deepEqual(cnOnly.dnsNames, []);
  assert.deepEqual(cnOnly.ipAddresses, []);
  assert.equal(cnOnly.extKeyUsage, null);
  const expired = load('expired.crt');
  assert.equal(expired.notBefore.toISOString(), '2020-01-01T00:00:00.000Z');
  assert.equal(expired.notAfter.toISOString(), '2021-01-01T00:00:00.000Z');
});

test('EC P-256 public key', () => {
  const ec = load('ec-client.crt');
  assert.equal(ec.publicKey.algorithm, 'ec');
  assert.equal(ec.publicKey.curve, 'P-256');
  assert.equal(ec.publicKey.bits, 256);
});

test('DER file and cache by content', () => {
  const der = new Uint8Array(readFileSync(join(FIXTURES, 'client.der')));
  const view = parseCertificate(der);
  assert.equal(view, load('client.crt'));
  assert.equal(view.subject, 'CN=proxy-client,O=My Organization');
});

test('bad DER throws CertificateParseError', () => {
  const truncated = new Uint8Array([0x30, 0x03, 0x02, 0x01]);
  assert.throws(() => parseCertificate(truncated), CertificateParseError);
  const key = readPem(readFileSync(join(FIXTURES, 'client.key')), 'k').blocks[0]!.der!;
  assert.throws(() => parseCertificate(key), CertificateParseError);
});

test('signature check: issuer verifies, stranger and damaged signature do not', () => {
  assert.equal(isSignedBy(load('int1.crt'), load('root.crt')), true);
  assert.equal(isSignedBy(load('leaf-int1.crt'), load('int1.crt')), true);
  assert.equal(isSignedBy(load('leaf-int1.crt'), load('root.crt')), false);
  assert.equal(isSignedBy(load('bad-signature.crt'), load('int1.crt')), false);
});

test('IP rendering: IPv4, compressed IPv6', () => {
  assert.equal(renderIpAddress(new Uint8Array([10, 0, 0, 1])), '10.0.0.1');
  const v6 = new Uint8Array(16);
  v6[0] = 0x20;
  v6[1] = 0x01;
  v6[2] = 0x0d;
  v6[3] = 0xb8;
  v6[15] = 1;
  assert.equal(renderIpAddress(v6), '2001:db8::1');
  assert.equal(renderIpAddress(new Uint8Array(16)), '::');
});
