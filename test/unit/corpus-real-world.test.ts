/**
 * Real-world configs httpd accepts must come out without errors, except `file-missing` /
 * `include-missing` for paths that really are absent on this machine (and AH02572 where the
 * corpus copy lost its certificate lines, see CERTIFICATES_STRIPPED). Reads
 * shared/corpus in place (see its README) and a temp copy of Debian's stock
 * /etc/apache2 with default-ssl enabled, whose vhosts are compared with `apache2 -S`.
 */
import { sharedCorpus } from '../support/shared-corpus';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  rmSync,
  symlinkSync,
  cpSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DEBIAN_DEFAULT_MODULES } from '../../server/src/config/modules';
import { checkConfig, type CheckOptions } from '../../server/src/engine';
import type { Finding } from '../../server/src/findings';
import { RULES } from '../../server/src/rules/rule-table';

const CORPUS = sharedCorpus();
const CERTBOT = join(CORPUS, 'certbot-apache-conf-files');

/** Debian's default set plus what passing/README.modules says those snippets need. */
const SNIPPET_MODULES = [...DEBIAN_DEFAULT_MODULES, 'rewrite', 'macro', 'wsgi', 'userdir'].map(
  (short) => `${short}_module`,
);

/** What /etc/apache2/envvars exports, pointed into `dir`. */
function debianEnv(dir: string): Record<string, string> {
  return {
    APACHE_RUN_USER: 'www-data',
    APACHE_RUN_GROUP: 'www-data',
    APACHE_PID_FILE: join(dir, 'run/apache2.pid'),
    APACHE_RUN_DIR: join(dir, 'run'),
    APACHE_LOCK_DIR: join(dir, 'lock'),
    APACHE_LOG_DIR: join(dir, 'log'),
  };
}

function severityOf(finding: Finding): string {
  return finding.severity ?? RULES[finding.rule].severity;
}

/**
 * Corpus copies whose SSLCertificateFile lines are commented out (certbot's test data strips
 * them): httpd refuses those SSL vhosts (AH02572), so `key-missing` must be reported at
 * exactly these `SSLEngine on` lines (1-based).
 */
const CERTIFICATES_STRIPPED: Record<string, number[]> = {
  'certbot-apache-conf-files/passing/section-empty-continuations-2731.conf': [119, 155, 228],
  'centos7/apache/httpd/conf.d/ssl.conf': [70],
};

function stripped(finding: Finding): boolean {
  const lines = CERTIFICATES_STRIPPED[finding.file.slice(CORPUS.length + 1)];
  return finding.rule === 'key-missing' && lines !== undefined;
}

/** Errors other than a missing file / include whose path really is absent here. */
function unexpectedErrors(findings: Finding[]): string[] {
  return findings
    .filter((f) => severityOf(f) === 'error')
    .filter((f) => !(f.rule === 'file-missing' || f.rule === 'include-missing' || stripped(f)))
    .map((f) => `${f.rule} ${f.file}:${f.range.start.line + 1} ${f.message}`);
}

function checkClean(entry: string, options: CheckOptions): ReturnType<typeof checkConfig> {
  const result = checkConfig(entry, { env: debianEnv('/var'), ...options });
  assert.deepEqual(result.internalErrors, [], `${entry}: a rule family crashed`);
  assert.deepEqual(unexpectedErrors(result.findings), [], entry);
  for (const file of result.config.files) {
    const expected = CERTIFICATES_STRIPPED[file.slice(CORPUS.length + 1)] ?? [];
    const reported = result.findings
      .filter((f) => f.file === file && stripped(f))
      .map((f) => f.range.start.line + 1);
    assert.deepEqual(reported, expected, `${file}: key-missing (AH02572) where certs are stripped`);
  }
  return result;
}

const snippets = [
  ...readdirSync(join(CERTBOT, 'passing'))
    .filter((name) => name !== 'README.modules')
    .map((name) => join(CERTBOT, 'passing', name)),
  ...readdirSync(join(CORPUS, 'debian-multiple-vhosts/apache2/sites-available')).map((name) =>
    join(CORPUS, 'debian-multiple-vhosts/apache2/sites-available', name),
  ),
  ...readdirSync(join(CORPUS, 'httpd-upstream-templates/extra')).map((name) =>
    join(CORPUS, 'httpd-upstream-templates/extra', name),
  ),
];

for (const file of snippets) {
  test(`corpus snippet: ${file.slice(CORPUS.length + 1)}`, () => {
    checkClean(file, { serverRoot: '/etc/apache2', modules: SNIPPET_MODULES });
  });
}

test('corpus: debian-multiple-vhosts tree', () => {
  const root = join(CORPUS, 'debian-multiple-vhosts/apache2');
  const result = checkClean(join(root, 'apache2.conf'), { serverRoot: root });
  assert.ok(result.config.files.length > 10, 'includes were followed');
});

test('corpus: centos7 tree', () => {
  const root = join(CORPUS, 'centos7/apache/httpd');
  const result = checkClean(join(root, 'conf/httpd.conf'), {
    pathMappings: [{ from: '/etc/httpd', to: root }],
  });
  assert.ok(result.config.files.length > 10, 'includes were followed');
  assert.ok(result.topology.vhosts.length > 0, 'vhosts found');
});

test('corpus: upstream httpd.conf template', () => {
  checkClean(join(CORPUS, 'httpd-upstream-templates/httpd.conf.in'), { serverRoot: '/usr/local' });
});

/** Rule ids per 1-based line, errors only, for the failing/ configs. */
function errorLines(findings: Finding[]): string[] {
  return findings
    .filter((f) => severityOf(f) === 'error')
    .map((f) => `${f.rule}@${f.range.start.line + 1}`)
    .sort();
}

test('corpus failing/: missing quote is accepted by httpd; only the absent snakeoil files', () => {
  // ap_getword_conf takes an unclosed quote to the end of the line; `apache2 -t` stops only
  // at the certificate file on line 10 (checked against Apache 2.4 on this machine).
  const result = checkConfig(join(CERTBOT, 'failing/missing-double-quote-1724.conf'), {
    modules: SNIPPET_MODULES,
  });
  const expected = existsSync('/etc/ssl/certs/ssl-cert-snakeoil.pem')
    ? []
    : ['file-missing@10', 'file-missing@11'];
  assert.deepEqual(errorLines(result.findings), expected);
});

test('corpus failing/: duplicated vhosts are legal; 1093b fails on its absent cert and key', () => {
  const a = checkConfig(join(CERTBOT, 'failing/multivhost-1093.conf'), {
    modules: SNIPPET_MODULES,
  });
  assert.deepEqual(errorLines(a.findings), []);
  assert.equal(a.topology.vhosts.length, 2);
  const b = checkConfig(join(CERTBOT, 'failing/multivhost-1093b.conf'), {
    modules: SNIPPET_MODULES,
  });
  const lines = errorLines(b.findings);
  assert.ok(lines.length > 0 && lines.every((l) => l.startsWith('file-missing@')), String(lines));
  assert.ok(lines.includes('file-missing@173'), String(lines));
});

const stock = '/etc/apache2/apache2.conf';
const temps: string[] = [];
after(() => temps.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A copy of /etc/apache2 with mod_ssl and default-ssl enabled, as a2enmod/a2ensite do. */
function debianWithDefaultSsl(): string {
  const dir = mkdtempSync(join(tmpdir(), 'httpd-mtls-debian-'));
  temps.push(dir);
  cpSync('/etc/apache2', dir, { recursive: true, verbatimSymlinks: true });
  for (const sub of ['run', 'lock', 'log']) mkdirSync(join(dir, sub));
  const link = (target: string, at: string): void => {
    if (!existsSync(join(dir, at))) symlinkSync(target, join(dir, at));
  };
  link('../sites-available/default-ssl.conf', 'sites-enabled/default-ssl.conf');
  for (const name of ['ssl.load', 'ssl.conf', 'socache_shmcb.load']) {
    link(`../mods-available/${name}`, `mods-enabled/${name}`);
  }
  return dir;
}

/** `file:line` of each vhost `apache2 -S` lists (file checks skipped via DUMP_CONFIG). */
function apacheVhosts(dir: string): string[] {
  const output = execFileSync(
    'apache2',
    ['-d', dir, '-f', join(dir, 'apache2.conf'), '-S', '-D', 'DUMP_CONFIG'],
    { env: { ...debianEnv(dir), PATH: process.env.PATH ?? '' }, encoding: 'utf8' },
  );
  return [...output.matchAll(/\((\/[^():]+):(\d+)\)/g)]
    .map((m) => `${realpathSync(m[1])}:${m[2]}`)
    .sort();
}

test(
  'Debian stock /etc/apache2 with default-ssl: clean, and the same vhosts as apache2 -S',
  {
    skip: existsSync(stock) ? false : 'apache2 is not installed',
  },
  () => {
    const dir = debianWithDefaultSsl();
    const result = checkClean(join(dir, 'apache2.conf'), { serverRoot: dir, env: debianEnv(dir) });
    const ours = result.topology.vhosts
      .map(
        (v) =>
          `${realpathSync(v.section?.file ?? '')}:${(v.section?.openRange.start.line ?? 0) + 1}`,
      )
      .sort();
    const apache = apacheVhosts(dir);
    assert.equal(apache.length, 2, 'apache2 -S lists the http and the https vhost');
    assert.deepEqual(ours, apache);
    const missing = result.findings.filter((f) => f.rule === 'file-missing');
    for (const finding of missing) {
      assert.ok(!existsSync('/etc/ssl/certs/ssl-cert-snakeoil.pem'), finding.message);
    }
  },
);
