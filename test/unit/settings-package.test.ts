import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  DEFAULT_SETTINGS,
  mergeLayers,
  normalizeSettings,
  SETTING_SCHEMAS,
  settingsLayer,
} from '../../server/src/settings';

const root = path.join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, unknown> } };
};

test('package.json contributes exactly the settings of settings.ts', () => {
  const contributed = JSON.parse(JSON.stringify(pkg.contributes.configuration.properties));
  assert.deepEqual(contributed, JSON.parse(JSON.stringify(SETTING_SCHEMAS)));
});

test('DEFAULT_SETTINGS agree with the schema defaults', () => {
  const byKey: Record<string, unknown> = {
    serverRoot: DEFAULT_SETTINGS.serverRoot,
    defines: DEFAULT_SETTINGS.defines,
    modules: DEFAULT_SETTINGS.modules,
    pathMappings: DEFAULT_SETTINGS.pathMappings,
    apacheVersion: DEFAULT_SETTINGS.apacheVersion,
    opensslVersion: DEFAULT_SETTINGS.opensslVersion,
    expiryWarningDays: DEFAULT_SETTINGS.expiryWarningDays,
    rules: DEFAULT_SETTINGS.rules,
    'trace.server': DEFAULT_SETTINGS.trace.server,
  };
  const names = Object.keys(byKey).map((key) => `httpdMtls.${key}`);
  assert.deepEqual(Object.keys(SETTING_SCHEMAS).sort(), names.sort());
  for (const [key, value] of Object.entries(byKey)) {
    assert.deepEqual(SETTING_SCHEMAS[`httpdMtls.${key}`]?.default, value, key);
  }
  assert.equal(DEFAULT_SETTINGS.apacheVersion, '2.4.71');
  assert.equal(DEFAULT_SETTINGS.opensslVersion, '3.0');
  assert.equal(DEFAULT_SETTINGS.expiryWarningDays, 30);
});

test('normalizeSettings keeps valid values and drops wrong types and unknown rules', () => {
  const settings = normalizeSettings({
    serverRoot: 'srv',
    defines: { A: 'x', B: null, C: 3 },
    modules: ['ssl_module', 7],
    pathMappings: { '/etc/httpd': '.', '/bad': false },
    apacheVersion: 42,
    expiryWarningDays: 10,
    rules: { 'weak-crypto': 'ignore', 'no-such-rule': 'error', 'cert-expiring': 'loud' },
    trace: { server: 'verbose' },
  });
  assert.equal(settings.serverRoot, 'srv');
  assert.deepEqual(settings.defines, { A: 'x', B: null });
  assert.deepEqual(settings.modules, ['ssl_module']);
  assert.deepEqual(settings.pathMappings, { '/etc/httpd': '.' });
  assert.equal(settings.apacheVersion, '2.4.71');
  assert.equal(settings.expiryWarningDays, 10);
  assert.deepEqual(settings.rules, { 'weak-crypto': 'ignore' });
  assert.equal(settings.trace.server, 'verbose');
  assert.deepEqual(normalizeSettings(undefined), DEFAULT_SETTINGS);
});

test('settings at their defaults do not override the project file', () => {
  const project = { apacheVersion: '2.4.58', serverRoot: '/etc/httpd', expiryWarningDays: 7 };
  const merged = mergeLayers(project, settingsLayer(DEFAULT_SETTINGS, '/ws'));
  assert.equal(merged.apacheVersion, '2.4.58');
  assert.equal(merged.serverRoot, '/etc/httpd');
  assert.equal(merged.expiryWarningDays, 7);
});

test('settings and flags override the project file, which overrides defaults', () => {
  const settings = normalizeSettings({
    serverRoot: 'root',
    apacheVersion: '2.4.62',
    defines: { B: 'settings' },
    modules: ['mod_ssl.c'],
    pathMappings: { '/etc/httpd': 'local' },
  });
  const project = {
    apacheVersion: '2.4.58',
    opensslVersion: '1.1',
    defines: { A: 'project', B: 'project' },
    modules: ['ssl_module'],
    pathMappings: [
      { from: '/etc/httpd', to: '/p/etc' },
      { from: '/srv', to: '/p/srv' },
    ],
  };
  const merged = mergeLayers(project, settingsLayer(settings, '/ws'));
  assert.equal(merged.serverRoot, path.resolve('/ws', 'root'));
  assert.equal(merged.apacheVersion, '2.4.62');
  assert.equal(merged.opensslVersion, '1.1');
  assert.equal(merged.expiryWarningDays, 30);
  assert.deepEqual(merged.defines, { A: 'project', B: 'settings' });
  assert.deepEqual(merged.modules, ['ssl_module', 'mod_ssl.c']);
  assert.deepEqual(merged.pathMappings, [
    { from: '/etc/httpd', to: path.resolve('/ws', 'local') },
    { from: '/srv', to: '/p/srv' },
  ]);
  assert.deepEqual(mergeLayers(), {
    apacheVersion: '2.4.71',
    opensslVersion: '3.0',
    expiryWarningDays: 30,
  });
});
