/**
 * The seed PKI in real TLS handshakes on 127.0.0.1: Node TLS servers stand in for Apache
 * (client cert required) and the backend; curl (OpenSSL) presents the client's PKCS#12 and
 * Apache's proxy-client bundle; Python's ssl loads the bundle. No Apache here: the oracle
 * harness covers httpd itself.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tls from 'node:tls';
import { after, before, describe, it } from 'node:test';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { generateSeedPki } from '../../server/src/pki/generate';
import { writePlannedFiles } from '../../server/src/write-files';
import { tempFolder } from './generate-test-helpers';

const run = promisify(execFile);
const PASSWORD = 'seed-p12-password';

/** A TLS server on 127.0.0.1 that requires a client certificate from the seed CA. */
async function mtlsServer(pki: string, certFile: string, keyFile: string): Promise<tls.Server> {
  const server = tls.createServer(
    {
      cert: readFileSync(join(pki, certFile)),
      key: readFileSync(join(pki, keyFile)),
      ca: readFileSync(join(pki, 'ca', 'ca.crt')),
      requestCert: true,
      rejectUnauthorized: true,
    },
    (socket) => {
      const peer = socket.getPeerCertificate();
      socket.end(`HTTP/1.1 200 OK\r\nConnection: close\r\n\r\npeer=${peer.subject?.CN}\n`);
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

async function curl(host: string, port: number, pki: string, certArgs: string[]): Promise<string> {
  const { stdout } = await run('curl', [
    '--silent',
    '--show-error',
    '--fail',
    '--http1.1',
    '--resolve',
    `${host}:${port}:127.0.0.1`,
    '--cacert',
    join(pki, 'ca', 'ca.crt'),
    ...certArgs,
    `https://${host}:${port}/`,
  ]);
  return stdout;
}

describe('seed PKI in TLS handshakes', () => {
  const pki = tempFolder('seed-tls');
  let apache: tls.Server;
  let backend: tls.Server;

  before(async () => {
    const files = await generateSeedPki(
      pki,
      {
        apacheServerNames: ['apache.server.name'],
        backendHost: 'gunicorn.app.server',
        clientName: 'client.full.domain.name',
      },
      { keyType: 'ec-p256', days: 2, pkcs12Password: PASSWORD },
    );
    writePlannedFiles(files);
    apache = await mtlsServer(pki, 'apache/server.crt', 'apache/server.key');
    backend = await mtlsServer(pki, 'backend/backend.crt', 'backend/backend.key');
  });

  after(() => {
    apache.close();
    backend.close();
  });

  it('curl with the client PKCS#12 (--cert-type P12) reaches "Apache"', async () => {
    const port = (apache.address() as AddressInfo).port;
    const body = await curl('apache.server.name', port, pki, [
      '--cert-type',
      'P12',
      '--cert',
      `${join(pki, 'client', 'client.p12')}:${PASSWORD}`,
    ]);
    assert.equal(body, 'peer=client.full.domain.name\n');
  });

  it('curl with the client PEM cert and key reaches "Apache"', async () => {
    const port = (apache.address() as AddressInfo).port;
    const body = await curl('apache.server.name', port, pki, [
      '--cert',
      join(pki, 'client', 'client.crt'),
      '--key',
      join(pki, 'client', 'client.key'),
    ]);
    assert.equal(body, 'peer=client.full.domain.name\n');
  });

  it('the proxy-client bundle alone authenticates to the backend by its name', async () => {
    const port = (backend.address() as AddressInfo).port;
    const body = await curl('gunicorn.app.server', port, pki, [
      '--cert',
      join(pki, 'apache', 'proxy-client.pem'),
    ]);
    assert.equal(body, 'peer=apache.server.name\n');
  });

  it('without a client certificate the handshake fails', async () => {
    const port = (apache.address() as AddressInfo).port;
    await assert.rejects(curl('apache.server.name', port, pki, []));
  });

  it("Python's ssl loads the proxy-client bundle as one cert+key file", async () => {
    const script = [
      'import ssl, sys',
      'c = ssl.create_default_context(cafile=sys.argv[2])',
      'c.load_cert_chain(sys.argv[1])',
      'print("loaded")',
    ].join('\n');
    const { stdout } = await run('python3', [
      '-c',
      script,
      join(pki, 'apache', 'proxy-client.pem'),
      join(pki, 'ca', 'ca.crt'),
    ]);
    assert.equal(stdout, 'loaded\n');
  });
});
