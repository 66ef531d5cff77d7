import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const REPO = path.join(__dirname, '..', '..');
const CLI = path.join(process.env.HTTPD_MTLS_DIST ?? path.join(REPO, 'dist'), 'cli.js');
const EXAMPLES = path.join(REPO, 'examples');
const SEED = 'seed/conf.d/reverseProxy.conf';
const NO_ENGINE = 'broken/no-proxy-engine/conf.d/reverseProxy.conf';

function cli(args: string[], cwd = EXAMPLES): { code: number | null; out: string; err: string } {
  const run = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

interface JsonReport {
  version: number;
  diagnostics: {
    file: string;
    range: { start: { line: number; character: number }; end: object };
    severity: string;
    code: string;
    message: string;
    related: unknown[];
  }[];
}

test('--version, --help, and usage errors exit 2 with a message on stderr', () => {
  const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8'));
  assert.deepEqual(cli(['--version']), { code: 0, out: `${pkg.version}\n`, err: '' });
  const help = cli(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.out, /check/);
  assert.equal(cli(['check', '--help']).code, 0);

  for (const args of [
    [],
    ['frobnicate'],
    ['check'],
    ['check', '--fail-on', 'loud', SEED],
    ['check', '--format', 'xml', SEED],
    ['check', '--at', '2025-02-30', SEED],
    ['check', '--define', '1BAD', SEED],
    ['check', '--map', 'nomapping', SEED],
    ['check', '--bogus', SEED],
    ['check', 'no/such/file.conf'],
    ['check', '--manifest', 'no/such/.httpd-mtls.json', SEED],
    ['verify'],
    ['generate'],
  ]) {
    const run = cli(args);
    assert.equal(run.code, 2, args.join(' '));
    assert.notEqual(run.err, '', args.join(' '));
    assert.equal(run.out, '', args.join(' '));
  }
});

test('an invalid project file is printed with its position and exits 2', () => {
  const ws = mkdtempSync(path.join(tmpdir(), 'httpd-mtls-cli-'));
  writeFileSync(path.join(ws, 'a.conf'), 'Listen 8080\n');
  writeFileSync(path.join(ws, '.httpd-mtls.json'), '{\n  "serverRoot": [1]\n}\n');
  const run = cli(['check', 'a.conf'], ws);
  assert.equal(run.code, 2);
  assert.match(run.err, /^\.httpd-mtls\.json:2:17: error: /);
});

test('the seed example is clean: exit 0, JSON version 1 without errors', () => {
  const run = cli(['check', '--format', 'json', SEED]);
  assert.equal(run.code, 0, run.err);
  const report = JSON.parse(run.out) as JsonReport;
  assert.equal(report.version, 1);
  assert.deepEqual(
    report.diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  const text = cli(['check', SEED]);
  assert.equal(text.code, 0);
  assert.match(text.out, /in 1 file\.\n$/);
});

test('a broken example: exit 1, its rule at the ProxyPass line, 0-based JSON positions', () => {
  const line = readFileSync(path.join(EXAMPLES, NO_ENGINE), 'utf8')
    .split('\n')
    .findIndex((l) => l.includes('ProxyPass "https://'));
  const run = cli(['check', '--format', 'json', NO_ENGINE]);
  assert.equal(run.code, 1, run.err);
  const report = JSON.parse(run.out) as JsonReport;
  const found = report.diagnostics.find((d) => d.code === 'proxy-engine-missing');
  assert.ok(found, run.out);
  assert.equal(found.file, NO_ENGINE);
  assert.equal(found.severity, 'error');
  assert.equal(found.range.start.line, line);
  assert.ok(Array.isArray(found.related));

  const text = cli(['check', NO_ENGINE]);
  assert.equal(text.code, 1);
  const human = `${NO_ENGINE}:${line + 1}:${found.range.start.character + 1}: error: `;
  assert.ok(text.out.includes(human), text.out);
  assert.match(text.out, /\[proxy-engine-missing\]/);
});

test('--fail-on decides the exit code', () => {
  assert.equal(cli(['check', '--fail-on', 'never', NO_ENGINE]).code, 0);
  assert.equal(cli(['check', '--fail-on', 'warning', NO_ENGINE]).code, 1);
  assert.equal(cli(['check', '--fail-on', 'information', NO_ENGINE]).code, 1);
});

test('a project file level of ignore drops the rule', () => {
  const ws = mkdtempSync(path.join(tmpdir(), 'httpd-mtls-cli-'));
  const source = path.join(EXAMPLES, 'broken', 'no-proxy-engine');
  const manifest = JSON.parse(readFileSync(path.join(source, '.httpd-mtls.json'), 'utf8'));
  manifest.rules = { 'proxy-engine-missing': 'ignore' };
  const manifestFile = path.join(ws, 'ignore.json');
  writeFileSync(manifestFile, JSON.stringify(manifest));
  const run = cli(['check', '--format', 'json', '--manifest', manifestFile, NO_ENGINE]);
  const report = JSON.parse(run.out) as JsonReport;
  assert.equal(
    report.diagnostics.find((d) => d.code === 'proxy-engine-missing'),
    undefined,
  );
});

test('${VAR} falls back to the environment after Defines, as httpd does', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cli-env-'));
  const conf = path.join(dir, 'site.conf');
  writeFileSync(conf, 'Include ${HTTPD_MTLS_TEST_DIR}/extra.conf\n');
  writeFileSync(path.join(dir, 'extra.conf'), 'ServerName env.test\n');
  const rules = (env: NodeJS.ProcessEnv, extra: string[] = []) => {
    const run = spawnSync(process.execPath, [CLI, 'check', '--format', 'json', ...extra, conf], {
      cwd: dir,
      encoding: 'utf8',
      env,
    });
    const report = JSON.parse(run.stdout) as JsonReport;
    return report.diagnostics.map((d) => d.code).sort();
  };
  const { PATH } = process.env;
  assert.deepEqual(rules({ PATH }), ['include-missing', 'undefined-variable']);
  assert.deepEqual(rules({ PATH, HTTPD_MTLS_TEST_DIR: dir }), []);
  // A Define wins over the environment.
  const wrong = ['--define', `HTTPD_MTLS_TEST_DIR=${path.join(dir, 'nowhere')}`];
  assert.deepEqual(rules({ PATH, HTTPD_MTLS_TEST_DIR: dir }, wrong), ['include-missing']);
});
