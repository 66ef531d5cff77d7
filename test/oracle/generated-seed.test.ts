/**
 * Oracle: the PKI `generateSeedPki` makes (CA, Apache server cert/key, proxy-client bundle,
 * backend and client credentials) replaces every PEM file of a copy of examples/seed, and
 * real Apache httpd + gunicorn + curl must serve the tutorial's request (201), for an EC
 * and an RSA key type. The checker must report no error on the same copy.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateSeedPki, type KeyType } from '../../server/src/pki/generate';
import { writePlannedFiles } from '../../server/src/write-files';
import { describeHttpd, runInHttpd } from './harness';
import { runChecker } from './checker-run';
import { readScenarioFiles } from './scenario-files';

const SEED = path.resolve(__dirname, '..', '..', 'examples', 'seed');

/** Seed file (relative to the example) <- generated file (relative to the PKI folder). */
const PLACEMENT: [string, string][] = [
  ['sslCerts/myCA.crt', 'ca/ca.crt'],
  ['sslCerts/apacheServerCert.pem', 'apache/server.crt'],
  ['sslCerts/apacheServerKey.pem', 'apache/server.key'],
  ['sslCerts/apacheAsClientCertAndKeyCombined.pem', 'apache/proxy-client.pem'],
  ['flaskApp/certs/gunicornCert.pem', 'backend/backend.crt'],
  ['flaskApp/certs/gunicornServerKey.pem', 'backend/backend.key'],
  ['flaskApp/certs/myCA.crt', 'ca/ca.crt'],
  ['client/certs/aClientCert.pem', 'client/client.crt'],
  ['client/certs/aClientKey.pem', 'client/client.key'],
  ['client/certs/myCA.crt', 'ca/ca.crt'],
];

async function seedWithGeneratedPki(keyType: KeyType): Promise<string> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `httpd-mtls-oracle-gen-${keyType}-`));
  const pki = path.join(work, 'pki');
  writePlannedFiles(
    await generateSeedPki(
      pki,
      {
        apacheServerNames: ['apache.server.name'],
        backendHost: 'gunicorn.app.server',
        clientName: 'client.full.domain.name',
      },
      { keyType, days: 30 },
    ),
  );

  const example = path.join(work, 'seed');
  fs.cpSync(SEED, example, { recursive: true });
  // The tutorial's CA key is not needed and must not sit beside the generated CA.
  fs.rmSync(path.join(example, 'ca'), { recursive: true });
  for (const [target, source] of PLACEMENT) {
    const destination = path.join(example, target);
    const mode = fs.statSync(path.join(pki, source)).mode & 0o777;
    fs.rmSync(destination);
    fs.copyFileSync(path.join(pki, source), destination);
    fs.chmodSync(destination, mode);
  }
  return example;
}

for (const keyType of ['ec-p256', 'rsa-2048'] as const) {
  describe(`oracle: generated seed PKI (${keyType})`, () => {
    test('Apache, gunicorn and curl serve the request (201)', { timeout: 90_000 }, async () => {
      const example = await seedWithGeneratedPki(keyType);
      const files = readScenarioFiles(example, {
        backendKey: 'flaskApp/certs/gunicornServerKey.pem',
        clientCaCertificates: 'client/certs/myCA.crt',
        appDir: 'flaskApp',
      });
      const outcome = await runInHttpd(files);
      assert.equal(
        outcome.probe?.httpStatus ?? null,
        201,
        `${describeHttpd(outcome)}\n${outcome.configtestOutput}\n${outcome.errorLog}`,
      );

      const checked = await runChecker(files.config, files.manifest);
      const errors = checked.diagnostics.filter((d) => d.severity === 'error');
      assert.deepEqual(
        errors.map((d) => d.code),
        [],
      );
    });
  });
}
