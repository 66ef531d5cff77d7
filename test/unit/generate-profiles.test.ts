/**
 * Every profile and key type, checked by OpenSSL 3: `verify -x509_strict -purpose` and the
 * extensions `x509 -text` shows.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  KEY_TYPES,
  asIssuingCa,
  generateIntermediateCa,
  generateRootCa,
  issueCertificate,
  type IssuedCredential,
  type KeyType,
  type Profile,
} from '../../server/src/pki/generate';
import { encodePem } from '../../server/src/pki/generate/pem-encoding';
import {
  certificateText,
  extensionBlock,
  openssl,
  tempFolder,
  writeText,
} from './generate-test-helpers';

const folder = tempFolder('profiles');

function writeCertificate(name: string, credential: IssuedCredential): string {
  const pem = encodePem('CERTIFICATE', credential.certificateDer);
  return writeText(join(folder, `${name}.crt`), pem);
}

function verify(purpose: string, caFile: string, certificate: string, untrusted?: string): void {
  const args = ['verify', '-x509_strict', '-purpose', purpose, '-CAfile', caFile];
  if (untrusted !== undefined) args.push('-untrusted', untrusted);
  const result = openssl([...args, certificate]);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /: OK$/m);
}

function serialOf(path: string): bigint {
  const { stdout } = openssl(['x509', '-in', path, '-noout', '-serial']);
  const hex = /^serial=([0-9A-F]+)$/m.exec(stdout)?.[1];
  assert.ok(hex !== undefined, `no positive hex serial in ${stdout}`);
  return BigInt(`0x${hex}`);
}

const LEAVES: { profile: Profile; purpose: string; eku: string }[] = [
  { profile: 'server', purpose: 'sslserver', eku: 'TLS Web Server Authentication' },
  { profile: 'backend', purpose: 'sslserver', eku: 'TLS Web Server Authentication' },
  { profile: 'client', purpose: 'sslclient', eku: 'TLS Web Client Authentication' },
  { profile: 'proxy-client', purpose: 'sslclient', eku: 'TLS Web Client Authentication' },
];

async function rootCa(keyType: KeyType): Promise<IssuedCredential> {
  return generateRootCa({
    keyType,
    days: 30,
    subject: { commonName: `Root ${keyType}`, organization: 'httpd-mtls tests', country: 'GB' },
  });
}

describe('generated certificates verify and carry the profile extensions', () => {
  for (const keyType of ['ec-p256', 'rsa-2048'] as const) {
    it(`root, intermediate and every leaf profile (${keyType})`, async () => {
      const root = await rootCa(keyType);
      const rootFile = writeCertificate(`root-${keyType}`, root);
      const intermediate = await generateIntermediateCa(
        { keyType, days: 30, subject: { commonName: `Intermediate ${keyType}` } },
        asIssuingCa(root),
      );
      const intermediateFile = writeCertificate(`intermediate-${keyType}`, intermediate);
      verify('any', rootFile, rootFile);
      verify('any', rootFile, intermediateFile);

      const rootText = certificateText(rootFile);
      assert.equal(
        extensionBlock(rootText, 'X509v3 Basic Constraints'),
        'X509v3 Basic Constraints: critical\nCA:TRUE, pathlen:1',
      );
      assert.equal(
        extensionBlock(rootText, 'X509v3 Key Usage'),
        'X509v3 Key Usage: critical\nCertificate Sign, CRL Sign',
      );
      assert.equal(
        extensionBlock(certificateText(intermediateFile), 'X509v3 Basic Constraints'),
        'X509v3 Basic Constraints: critical\nCA:TRUE, pathlen:0',
      );
      assert.match(rootText, /Subject: C = GB, O = httpd-mtls tests, CN = Root/);

      const issuers = [
        ['root', root],
        ['intermediate', intermediate],
      ] as const;
      for (const { profile, purpose, eku } of LEAVES) {
        for (const [issuerName, issuer] of issuers) {
          const leaf = await issueCertificate(
            {
              profile,
              keyType,
              days: 30,
              subject: { commonName: 'leaf.example.test' },
              altNames: ['leaf.example.test', '127.0.0.1', '::1'],
            },
            asIssuingCa(issuer),
          );
          const leafFile = writeCertificate(`${profile}-${issuerName}-${keyType}`, leaf);
          verify(purpose, rootFile, leafFile, issuerName === 'root' ? undefined : intermediateFile);
          assert.deepEqual(leaf.intermediatesDer.length, issuerName === 'root' ? 0 : 1);

          const text = certificateText(leafFile);
          assert.equal(
            extensionBlock(text, 'X509v3 Basic Constraints'),
            'X509v3 Basic Constraints: critical\nCA:FALSE',
          );
          assert.equal(
            extensionBlock(text, 'X509v3 Key Usage'),
            keyType === 'ec-p256'
              ? 'X509v3 Key Usage: critical\nDigital Signature'
              : 'X509v3 Key Usage: critical\nDigital Signature, Key Encipherment',
          );
          assert.equal(
            extensionBlock(text, 'X509v3 Extended Key Usage'),
            `X509v3 Extended Key Usage:\n${eku}`,
          );
          assert.equal(
            extensionBlock(text, 'X509v3 Subject Alternative Name'),
            'X509v3 Subject Alternative Name:\n' +
              'DNS:leaf.example.test, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1',
          );
          const issuerSki = extensionBlock(
            certificateText(issuerName === 'root' ? rootFile : intermediateFile),
            'X509v3 Subject Key Identifier',
          );
          const aki = extensionBlock(text, 'X509v3 Authority Key Identifier');
          assert.ok(issuerSki !== null && aki !== null);
          assert.equal(aki.split('\n')[1], issuerSki.split('\n')[1]);
        }
      }
    });
  }

  for (const keyType of KEY_TYPES) {
    it(`${keyType}: key size, signature digest, positive 128-bit serial`, async () => {
      const root = await rootCa(keyType);
      const rootFile = writeCertificate(`sig-root-${keyType}`, root);
      const server = await issueCertificate(
        {
          profile: 'server',
          keyType,
          days: 1,
          subject: { commonName: 'sig.example.test' },
          altNames: ['sig.example.test'],
        },
        asIssuingCa(root),
      );
      const serverFile = writeCertificate(`sig-server-${keyType}`, server);
      verify('sslserver', rootFile, serverFile);

      const text = certificateText(serverFile);
      const expected = {
        'rsa-2048': ['Public-Key: (2048 bit)', 'sha256WithRSAEncryption'],
        'rsa-3072': ['Public-Key: (3072 bit)', 'sha256WithRSAEncryption'],
        'rsa-4096': ['Public-Key: (4096 bit)', 'sha256WithRSAEncryption'],
        'ec-p256': ['NIST CURVE: P-256', 'ecdsa-with-SHA256'],
        'ec-p384': ['NIST CURVE: P-384', 'ecdsa-with-SHA384'],
      }[keyType];
      assert.ok(text.includes(expected[0]!), expected[0]);
      assert.match(text, new RegExp(`Signature Algorithm: ${expected[1]}`));

      for (const file of [rootFile, serverFile]) {
        const serial = serialOf(file);
        assert.ok(serial > 0n && serial < 2n ** 128n);
      }
      assert.notEqual(serialOf(rootFile), serialOf(serverFile));
    });
  }

  it('validity: notAfter is notBefore plus the requested days', async () => {
    const root = await rootCa('ec-p256');
    const rootFile = writeCertificate('validity-root', root);
    const { stdout } = openssl(['x509', '-in', rootFile, '-noout', '-startdate', '-enddate']);
    const start = Date.parse(/notBefore=(.*)/.exec(stdout)![1]!);
    const end = Date.parse(/notAfter=(.*)/.exec(stdout)![1]!);
    assert.equal(end - start, 30 * 24 * 3600 * 1000);
    assert.ok(start <= Date.now());
  });

  it('refuses a server certificate without names and a root with an issuer', async () => {
    const root = await rootCa('ec-p256');
    const issue = (profile: 'server' | 'root-ca' | 'client', days: number) =>
      issueCertificate(
        { profile, keyType: 'ec-p256', days, subject: { commonName: 'x' }, altNames: [] },
        asIssuingCa(root),
      );
    await assert.rejects(issue('server', 1));
    await assert.rejects(issue('root-ca', 1));
    await assert.rejects(issue('client', 0));
  });
});
