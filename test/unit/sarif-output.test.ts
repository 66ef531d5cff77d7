/**
 * `httpd-mtls check --format sarif` through the built CLI (dist/cli.js): the log validates
 * against the official OASIS SARIF 2.1.0 schema (sarif-2.1.0-rtm.5.json, as shipped in the
 * @microsoft/jest-sarif package) and against the stricter subset in test/fixtures/sarif (which
 * also forbids properties we do not mean to emit), carries every rule of the rule
 * table, converts the JSON report's 0-based ranges to 1-based regions, and fingerprints that
 * survive moving a directive. Plus the expiry gate: `--at` with `--fail-on warning`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv';
import AjvDraft04 from 'ajv-draft-04';
import { RULES } from '../../server/src/rules/rule-table';
import { sarifRegion } from '../../server/src/cli-sarif';

const REPO = path.join(__dirname, '..', '..');
const CLI = path.join(process.env.HTTPD_MTLS_DIST ?? path.join(REPO, 'dist'), 'cli.js');
const EXAMPLES = path.join(REPO, 'examples');
const SCHEMA = path.join(REPO, 'test', 'fixtures', 'sarif', 'sarif-2.1.0-subset.schema.json');
const RULE_FIXTURES = path.join(REPO, 'test', 'fixtures', 'rules');

function cli(args: string[], cwd = EXAMPLES): { code: number | null; out: string } {
  const run = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  assert.equal(run.stderr, '', `stderr of ${args.join(' ')}`);
  return { code: run.status, out: run.stdout };
}

interface Region {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}
interface SarifLocation {
  physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: Region };
}
interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  locations: SarifLocation[];
  relatedLocations: SarifLocation[];
  partialFingerprints: Record<string, string>;
}
interface SarifRule {
  id: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  helpUri: string;
  defaultConfiguration: { level: string };
}
interface SarifLog {
  runs: {
    tool: { driver: { name: string; version: string; informationUri: string; rules: SarifRule[] } };
    originalUriBaseIds: Record<string, { uri: string }>;
    results: SarifResult[];
  }[];
}

// Formats (uri) are checked by hand below: ajv-formats is not installed.
const ajv = new Ajv({ strict: true, strictRequired: false, validateFormats: false });
const validateSubset = ajv.compile(JSON.parse(readFileSync(SCHEMA, 'utf8')));
// The official schema is draft-04, and one of its patterns is not valid in unicode mode.
const OFFICIAL = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
const official = new AjvDraft04({ strict: false, validateFormats: false, unicodeRegExp: false });
const validateOfficial = official.compile(JSON.parse(readFileSync(OFFICIAL, 'utf8')));

function validate(log: unknown): boolean {
  validate.errors = null as unknown;
  if (!validateOfficial(log)) {
    validate.errors = validateOfficial.errors;
    return false;
  }
  if (!validateSubset(log)) {
    validate.errors = validateSubset.errors;
    return false;
  }
  return true;
}
validate.errors = null as unknown;

function sarifOf(args: string[], cwd = EXAMPLES): { code: number | null; log: SarifLog } {
  const run = cli(['check', '--format', 'sarif', ...args], cwd);
  const log: unknown = JSON.parse(run.out);
  assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
  return { code: run.code, log: log as SarifLog };
}

const exampleConfigs = [
  'seed/conf.d/reverseProxy.conf',
  ...readdirSync(path.join(EXAMPLES, 'broken')).map((b) => `broken/${b}/conf.d/reverseProxy.conf`),
];

test('every example gives a schema-valid log whose results match the JSON report', () => {
  for (const config of exampleConfigs) {
    const { code, log } = sarifOf([config]);
    const json = JSON.parse(cli(['check', '--format', 'json', config]).out) as {
      diagnostics: { file: string; code: string; range: Parameters<typeof sarifRegion>[0] }[];
    };
    assert.equal(code, cli(['check', config]).code, config);
    const results = log.runs[0].results;
    assert.equal(results.length, json.diagnostics.length, config);
    json.diagnostics.forEach((d, index) => {
      const result = results[index];
      assert.equal(result.ruleId, d.code);
      const { artifactLocation, region } = result.locations[0].physicalLocation;
      assert.deepEqual(artifactLocation, { uri: d.file, uriBaseId: '%SRCROOT%' });
      assert.deepEqual(region, sarifRegion(d.range));
      assert.equal(log.runs[0].tool.driver.rules[result.ruleIndex].id, result.ruleId);
    });
  }
});

test('the schema subset rejects what SARIF 2.1.0 rejects', () => {
  const { log } = sarifOf(['broken/wrong-key/conf.d/reverseProxy.conf']);
  const mutants: ((copy: SarifLog) => void)[] = [
    (copy) => (copy.runs[0].results[0].locations[0].physicalLocation.region.startLine = 0),
    (copy) => (copy.runs[0].results[0].level = 'info'),
    (copy) => Object.assign(copy.runs[0].results[0], { severity: 'error' }),
    (copy) => Object.assign(copy.runs[0].tool.driver.rules[0], { id: undefined }),
  ];
  for (const mutate of mutants) {
    const copy = structuredClone(log);
    mutate(copy);
    assert.equal(validate(JSON.parse(JSON.stringify(copy))), false, String(mutate));
  }
});

test('the driver lists every rule of the rule table with its level, text and docs', () => {
  const { log } = sarifOf(['seed/conf.d/reverseProxy.conf']);
  const driver = log.runs[0].tool.driver;
  assert.equal(driver.name, 'httpd-mtls');
  assert.match(driver.version, /^\d+\.\d+\.\d+/);
  assert.doesNotThrow(() => new URL(driver.informationUri));
  assert.deepEqual(
    driver.rules.map((r) => r.id),
    Object.keys(RULES),
  );
  const sarifLevel = { error: 'error', warning: 'warning', information: 'note', hint: 'none' };
  for (const rule of driver.rules) {
    const row = RULES[rule.id as keyof typeof RULES];
    assert.equal(rule.defaultConfiguration.level, sarifLevel[row.severity], rule.id);
    assert.equal(rule.shortDescription.text, row.title);
    assert.equal(rule.fullDescription.text, row.apache);
    assert.equal(new URL(rule.helpUri).protocol, 'https:');
  }
  const base = log.runs[0].originalUriBaseIds['%SRCROOT%'].uri;
  assert.equal(base, `file://${EXAMPLES}/`);
});

test('regions are 1-based with an exclusive end column, in UTF-16 units as LSP', () => {
  const range = { start: { line: 0, character: 0 }, end: { line: 2, character: 7 } };
  assert.deepEqual(sarifRegion(range), { startLine: 1, startColumn: 1, endLine: 3, endColumn: 8 });
});

test('related locations point at the PEM blocks at fault', () => {
  const { log } = sarifOf(['broken/wrong-key/conf.d/reverseProxy.conf']);
  const mismatch = log.runs[0].results.find((r) => r.ruleId === 'key-mismatch');
  assert.ok(mismatch);
  const related = mismatch.relatedLocations.map((l) => l.physicalLocation);
  assert.ok(related.length >= 1);
  for (const location of related) {
    assert.match(location.artifactLocation.uri, /^broken\/wrong-key\/sslCerts\/.+\.pem$/);
    const pem = readFileSync(path.join(EXAMPLES, location.artifactLocation.uri), 'utf8');
    const lines = pem.split('\n');
    assert.match(lines[location.region.startLine - 1], /^-----BEGIN /);
    assert.match(lines[location.region.endLine - 1], /^-----END /);
  }
});

test('fingerprints ignore line numbers but not the directive or the rule', () => {
  const folder = mkdtempSync(path.join(tmpdir(), 'httpd-mtls-sarif-'));
  const body = [
    'Listen 8443',
    '<VirtualHost *:8443>',
    '    SSLEngine on',
    '    SSLCertificateFile missing-a.crt',
    '    SSLCertificateFile missing-a.crt',
    '    SSLCertificateKeyFile missing-b.key',
    '</VirtualHost>',
  ];
  const fingerprints = (lines: string[]): { line: number; print: string }[] => {
    writeFileSync(path.join(folder, 'site.conf'), `${lines.join('\n')}\n`);
    const { log } = sarifOf(['--server-root', '.', 'site.conf'], folder);
    return log.runs[0].results.map((r) => ({
      line: r.locations[0].physicalLocation.region.startLine,
      print: Object.values(r.partialFingerprints).join(),
    }));
  };

  const before = fingerprints(body);
  assert.ok(before.length >= 3);
  assert.equal(new Set(before.map((b) => b.print)).size, before.length, 'distinct');
  const after = fingerprints(['# moved down', '', ...body]);
  assert.deepEqual(
    after.map((a) => a.print),
    before.map((b) => b.print),
  );
  assert.deepEqual(
    after.map((a) => a.line),
    before.map((b) => b.line + 2),
  );
  const renamed = fingerprints(body.map((line) => line.replace('missing-b', 'missing-c')));
  assert.notEqual(renamed.at(-1)?.print, before.at(-1)?.print);
});

test('expiry gate: --at and --fail-on warning fail when a cert expires within 30 days', () => {
  const certificate = new X509Certificate(
    readFileSync(path.join(REPO, 'test', 'fixtures', 'pki', 'server.crt')),
  );
  const notAfter = new Date(certificate.validTo);
  const daysBefore = (days: number): string =>
    new Date(notAfter.getTime() - days * 86_400_000).toISOString().slice(0, 10);
  const gate = (at: string, failOn: string): { code: number | null; rules: string[] } => {
    const args = ['--server-root', RULE_FIXTURES, '--at', at, '--fail-on', failOn];
    const { code, log } = sarifOf([...args, path.join(RULE_FIXTURES, 'server-ok.conf')], REPO);
    return { code, rules: log.runs[0].results.map((r) => r.ruleId) };
  };

  assert.deepEqual(gate(daysBefore(20), 'warning'), { code: 1, rules: ['cert-expiring'] });
  assert.deepEqual(gate(daysBefore(20), 'error'), { code: 0, rules: ['cert-expiring'] });
  assert.deepEqual(gate(daysBefore(40), 'warning'), { code: 0, rules: [] });
  assert.deepEqual(gate(daysBefore(-1), 'error'), { code: 1, rules: ['cert-expired'] });
});
