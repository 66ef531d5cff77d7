/**
 * The pure half of the oracle: how an example config is moved into a throw-away ServerRoot.
 * A wrong rewrite would make httpd read other files than the checker, so it is tested alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { firstServerName, listenPorts, mainConfig, rewriteExampleConfig } from './apache-config';

const EXAMPLE = [
  'Listen 7771',
  '<VirtualHost *:7771>',
  '    ServerName apache.server.name',
  '    SSLCACertificateFile /etc/httpd/sslCerts/myCA.crt',
  '    SSLCertificateFile "/etc/httpd/sslCertsOld/x.pem"',
  '    ProxyPass "https://gunicorn.app.server:6662/"',
  '    ProxyPass "https://other.host:66620/"',
  '</VirtualHost>',
].join('\n');

test('deployment prefixes are mapped only at a path boundary', () => {
  const rewritten = rewriteExampleConfig(
    EXAMPLE,
    [{ from: '/etc/httpd/sslCerts', to: '/work/examples/seed/sslCerts' }],
    [],
  );
  assert.match(rewritten, /SSLCACertificateFile \/work\/examples\/seed\/sslCerts\/myCA\.crt$/m);
  assert.match(rewritten, /"\/etc\/httpd\/sslCertsOld\/x\.pem"/);
});

test('Listen is bound to 127.0.0.1 and only whole port numbers move', () => {
  const rewritten = rewriteExampleConfig(
    EXAMPLE,
    [],
    [
      { from: 7771, to: 18001 },
      { from: 6662, to: 18002 },
    ],
  );
  assert.match(rewritten, /^Listen 127\.0\.0\.1:18001$/m);
  assert.match(rewritten, /^<VirtualHost \*:18001>$/m);
  assert.match(rewritten, /gunicorn\.app\.server:18002\//);
  assert.match(rewritten, /other\.host:66620\//);
});

test('ports and the server name are read as Apache would', () => {
  assert.deepEqual(listenPorts('Listen 80\n  listen 127.0.0.1:8443 https\n#Listen 9'), [80, 8443]);
  assert.equal(firstServerName('ServerName https://Front.test:8443\n'), 'Front.test');
  assert.equal(firstServerName('ServerAlias a.test\n'), null);
});

test('the main config keeps logs and runtime files in the temp root', () => {
  const text = mainConfig({
    serverRoot: '/tmp/r',
    runDir: '/tmp/r/run',
    errorLog: '/tmp/r/logs/error_log',
    scenarioConfig: '/tmp/r/conf.d/x.conf',
  });
  assert.match(text, /^PidFile "\/tmp\/r\/run\/httpd\.pid"$/m);
  assert.match(text, /^ErrorLog "\/tmp\/r\/logs\/error_log"$/m);
  assert.match(text, /^LoadModule ssl_module \S+\/mod_ssl\.so$/m);
  assert.match(text, /^Include "\/tmp\/r\/conf\.d\/x\.conf"$/m);
});
