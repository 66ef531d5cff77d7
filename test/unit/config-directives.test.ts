import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DIRECTIVES,
  isDirectiveAvailable,
  lookupDirective,
  moduleIdOf,
} from '../../server/src/config/directives';

describe('config directives table', () => {
  it('looks names up case-insensitively, sections without the <', () => {
    assert.equal(lookupDirective('sslverifyclient')?.name, 'SSLVerifyClient');
    assert.equal(lookupDirective('SSLPROXYENGINE')?.args, 'flag');
    const host = lookupDirective('VirtualHost');
    assert.equal(host?.section, true);
    assert.deepEqual(host?.contexts, ['server']);
    assert.equal(lookupDirective('NoSuchDirective'), undefined);
  });

  it('gives the manual link of the module page with the lowercased name as anchor', () => {
    assert.equal(
      lookupDirective('SSLCACertificateFile')?.manualUrl,
      'https://httpd.apache.org/docs/2.4/mod/mod_ssl.html#sslcacertificatefile',
    );
    assert.equal(
      lookupDirective('Listen')?.manualUrl,
      'https://httpd.apache.org/docs/2.4/mod/mpm_common.html#listen',
    );
  });

  it('encodes the mod_ssl context classes', () => {
    const proxyContexts = ['server', 'virtualhost', 'proxy'];
    assert.deepEqual(lookupDirective('SSLProxyVerify')?.contexts, proxyContexts);
    assert.ok(!lookupDirective('SSLCACertificateFile')?.contexts.includes('directory'));
    assert.ok(lookupDirective('SSLVerifyClient')?.contexts.includes('htaccess'));
    assert.ok(!lookupDirective('Require')?.contexts.includes('server'));
    assert.deepEqual(lookupDirective('ProxyPass')?.contexts, ['server', 'virtualhost', 'location']);
  });

  it('covers every SSL directive of the reference setup and has no duplicates per module', () => {
    const names = [
      'SSLEngine',
      'SSLCertificateFile',
      'SSLCertificateKeyFile',
      'SSLCertificateChainFile',
      'SSLCACertificateFile',
      'SSLCACertificatePath',
      'SSLVerifyClient',
      'SSLVerifyDepth',
      'SSLProxyEngine',
      'SSLProxyVerify',
      'SSLProxyVerifyDepth',
      'SSLProxyCACertificateFile',
      'SSLProxyMachineCertificateFile',
      'SSLProxyMachineCertificateChainFile',
      'SSLProxyCheckPeerName',
      'SSLProxyCheckPeerCN',
      'SSLProxyCheckPeerExpire',
      'SSLCARevocationCheck',
      'SSLCARevocationFile',
      'SSLProtocol',
      'SSLProxyProtocol',
      'SSLRequire',
      'SSLOptions',
      'SSLVHostSNIPolicy',
      'ProxyPreserveHost',
      'BalancerMember',
    ];
    for (const name of names) assert.ok(lookupDirective(name), name);
    const keys = DIRECTIVES.map((info) => `${info.module}:${info.name.toLowerCase()}`);
    assert.equal(new Set(keys).size, keys.length);
    for (const info of DIRECTIVES) {
      assert.ok(info.contexts.length > 0, info.name);
      assert.ok(info.description.length > 0, info.name);
    }
  });

  it('answers IfDirective/IfSection availability from the loaded modules', () => {
    const modules = new Set(['ssl_module']);
    assert.equal(isDirectiveAvailable('SSLEngine', modules, false), true);
    assert.equal(isDirectiveAvailable('RewriteRule', modules, false), false);
    assert.equal(isDirectiveAvailable('VirtualHost', modules, true), true);
    assert.equal(isDirectiveAvailable('VirtualHost', modules, false), false);
    assert.equal(moduleIdOf('event'), 'mpm_event_module');
    assert.equal(moduleIdOf('mod_proxy_http'), 'proxy_http_module');
  });
});
