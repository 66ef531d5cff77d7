import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyMappings, resolveServerPath } from '../../server/src/config/paths';
import type { LoadedConfig, PathMapping } from '../../server/src/config/types';

function config(serverRoot: string, pathMappings: PathMapping[]): LoadedConfig {
  return {
    entry: '/x/main.conf',
    nodes: [],
    serverRoot,
    files: [],
    wanted: [],
    modules: new Set(),
    defines: new Map(),
    pathMappings,
    findings: [],
  };
}

describe('config paths: applyMappings', () => {
  const mappings: PathMapping[] = [
    { from: '/etc/httpd', to: '/work/local' },
    { from: '/etc/httpd/sslCerts/', to: '/work/certs' },
    { from: '/', to: '/root-map' },
  ];
  const cases: Array<[string, string]> = [
    ['/etc/httpd/conf.d/x.conf', '/work/local/conf.d/x.conf'],
    ['/etc/httpd', '/work/local'],
    ['/etc/httpd/sslCerts/myCA.crt', '/work/certs/myCA.crt'],
    ['/etc/httpd2/x', '/root-map/etc/httpd2/x'],
  ];
  for (const [deployed, local] of cases) {
    it(`${deployed} -> ${local}`, () => assert.equal(applyMappings(deployed, mappings), local));
  }

  it('matches only at path-component boundaries and leaves unmapped paths alone', () => {
    const only = [{ from: '/etc/httpd', to: './local' }];
    assert.equal(applyMappings('/etc/httpd2/x', only), '/etc/httpd2/x');
    assert.equal(applyMappings('/etc/httpd/conf.d/x.conf', only), 'local/conf.d/x.conf');
    assert.equal(applyMappings('/a', []), '/a');
  });
});

describe('config paths: resolveServerPath', () => {
  const cases: Array<{ root: string; arg: string; deployed: string; local: string }> = [
    { root: '/etc/apache2', arg: '/abs/c.pem', deployed: '/abs/c.pem', local: '/abs/c.pem' },
    {
      root: '/etc/httpd',
      arg: 'pki/c.pem',
      deployed: '/etc/httpd/pki/c.pem',
      local: '/l/pki/c.pem',
    },
    { root: '/etc/httpd', arg: '../x/./c.pem', deployed: '/etc/x/c.pem', local: '/etc/x/c.pem' },
    { root: '/srv', arg: '/etc/httpd/a//b', deployed: '/etc/httpd/a/b', local: '/l/a/b' },
  ];
  for (const testCase of cases) {
    it(`${testCase.arg} under ${testCase.root}`, () => {
      const resolved = resolveServerPath(
        config(testCase.root, [{ from: '/etc/httpd', to: '/l' }]),
        testCase.arg,
      );
      assert.deepEqual(resolved, { deployedPath: testCase.deployed, localPath: testCase.local });
    });
  }
});
