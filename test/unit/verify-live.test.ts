import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import { checkConfig } from '../../server/src/engine';
import { verifyReport } from '../../server/src/features/verify-report';
import { addLiveResults, parseConnectOverride } from '../../server/src/features/verify-live';
import { readProjectFile } from '../../server/src/project-file';
import { mergeLayers } from '../../server/src/settings';

const SEED = path.join(__dirname, '..', '..', 'examples', 'seed');
const read = (relative: string) => fs.readFileSync(path.join(SEED, relative), 'utf8');

test('--connect / --backend targets must be loopback HOST:PORT', () => {
  assert.deepEqual(parseConnectOverride('127.0.0.1:7771'), { host: '127.0.0.1', port: 7771 });
  assert.deepEqual(parseConnectOverride('127.3.2.1:1'), { host: '127.3.2.1', port: 1 });
  assert.deepEqual(parseConnectOverride('[::1]:443'), { host: '::1', port: 443 });
  assert.deepEqual(parseConnectOverride('localhost:8443'), { host: 'localhost', port: 8443 });
  for (const bad of [
    '10.0.0.1:443',
    'example.com:443',
    '127.0.0.1',
    '127.0.0.1:0',
    '127.0.0.1:70000',
    '[2001:db8::1]:443',
    '0.0.0.0:443',
    'localhost.evil.com:1',
  ]) {
    assert.throws(() => parseConnectOverride(bad), bad);
  }
});

/**
 * A TLS server on 127.0.0.1 that answers every request, serving the backend's certificate:
 * a vhost that answers with a certificate other than the one SSLCertificateFile names.
 */
function impostor(): Promise<{ port: number; close: () => Promise<void> }> {
  const server = tls.createServer(
    {
      cert: read('flaskApp/certs/gunicornCert.pem'),
      key: read('flaskApp/certs/gunicornServerKey.pem'),
      requestCert: true,
      rejectUnauthorized: false,
    },
    (socket) => {
      socket.on('data', () => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'));
      socket.on('error', () => undefined);
    },
  );
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ port, close: () => new Promise((done) => server.close(() => done())) });
    });
  });
}

test('live: a vhost serving another certificate fails the identity hop, disagreeing', async () => {
  const server = await impostor();
  try {
    const options = mergeLayers(readProjectFile(path.join(SEED, '.httpd-mtls.json')).layer);
    const checked = checkConfig(path.join(SEED, 'conf.d', 'reverseProxy.conf'), options);
    const reports = verifyReport(checked, options);
    const endpoint = { host: '127.0.0.1', port: server.port };
    const backends = new Map([['https://gunicorn.app.server:6662/', endpoint]]);
    await addLiveResults(reports, checked, options, { connect: endpoint, backends });
    const [client, identity, backend] = reports[0]!.hops;
    assert.equal(client!.live?.status, 'pass', client!.live?.detail);
    assert.equal(client!.live?.disagrees, false);
    assert.equal(identity!.status, 'pass');
    assert.equal(identity!.live?.status, 'fail');
    assert.match(identity!.live!.detail, /not the certificate SSLCertificateFile names/);
    assert.equal(identity!.live?.disagrees, true);
    // The backend's own certificate verifies under the CA, and SSLProxyCheckPeerName is off.
    assert.equal(backend!.live?.status, 'pass', backend!.live?.detail);
  } finally {
    await server.close();
  }
});
