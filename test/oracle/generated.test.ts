/**
 * Generated oracle tier: every row of GENERATED_SCENARIOS runs in real Apache httpd with a
 * gunicorn backend and curl on loopback, over one PKI made per run by
 * test/fixtures/oracle/make-pki.sh. httpd must do what the row says, then the checker (the
 * built CLI, as CI runs it) must agree: a failure predicted by the row's rule, a 201 with no
 * error. The agreement table is printed at the end.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  agreement,
  describeHttpd,
  formatAgreementTable,
  runInHttpd,
  type AgreementRow,
  type HttpdOutcome,
} from './harness';
import { runChecker } from './checker-run';
import { writeScenario } from './generated-setup';
import { GENERATED_SCENARIOS } from './generated-scenarios';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const MAKE_PKI = path.join(REPO_ROOT, 'test', 'fixtures', 'oracle', 'make-pki.sh');
const APP_DIR = path.join(REPO_ROOT, 'examples', 'seed', 'flaskApp');

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'httpd-mtls-generated-'));
const pkiDir = path.join(workDir, 'pki');
const rows: AgreementRow[] = [];

before(() => {
  execFileSync('bash', [MAKE_PKI, pkiDir], { stdio: ['ignore', 'ignore', 'inherit'] });
});

after(() => {
  console.log(
    `\ngenerated oracle agreement (${rows.length} scenarios)\n` + `${formatAgreementTable(rows)}\n`,
  );
  fs.rmSync(workDir, { recursive: true, force: true });
});

test('the table has at least 40 scenarios with distinct names', () => {
  const names = new Set(GENERATED_SCENARIOS.map((s) => s.name));
  assert.equal(names.size, GENERATED_SCENARIOS.length);
  assert.ok(names.size >= 40, `only ${names.size} scenarios`);
});

for (const scenario of GENERATED_SCENARIOS) {
  describe(`generated oracle: ${scenario.name}`, () => {
    let outcome: HttpdOutcome | undefined;
    const scenarioDir = path.join(workDir, scenario.name);

    test('httpd does what the row says', { timeout: 60_000 }, async () => {
      fs.mkdirSync(scenarioDir, { mode: 0o755 });
      const files = writeScenario(scenarioDir, scenario.setup, pkiDir, APP_DIR);
      outcome = await runInHttpd(files);
      const expected = scenario.httpd;
      const context =
        `${describeHttpd(outcome)}\n${outcome.configtestOutput}\n` +
        `${outcome.errorLog
          .split('\n')
          .filter((l) => /AH\d{5}/.test(l))
          .join('\n')}\nhttpd stderr: ${outcome.startStderr}`;
      assert.equal(outcome.configtestOk, expected.configtestOk, context);
      assert.equal(outcome.started, expected.started, context);
      assert.equal(outcome.probe?.httpStatus ?? null, expected.httpStatus, context);
      if (expected.started && expected.httpStatus === null) {
        assert.notEqual(outcome.probe?.curlExit, 0, context);
      }
      for (const code of expected.ahCodes) {
        assert.ok(outcome.ahCodes.includes(code), `${code} not logged\n${context}`);
      }
    });

    const gapNote = scenario.checkerGap === undefined ? {} : { todo: scenario.checkerGap };
    test('the checker agrees with httpd', { timeout: 60_000, ...gapNote }, async () => {
      assert.ok(outcome, 'httpd did not run');
      const config = path.join(scenarioDir, 'conf.d', 'reverseProxy.conf');
      const manifest = path.join(scenarioDir, '.httpd-mtls.json');
      let errors: string[];
      try {
        const checked = await runChecker(config, manifest);
        const errorCodes = checked.diagnostics.filter((d) => d.severity === 'error');
        errors = [...new Set(errorCodes.map((d) => d.code))];
      } catch (error) {
        rows.push({ ...agreement(scenario.name, outcome, [], scenario.rule), agree: false });
        throw error;
      }
      const row = agreement(scenario.name, outcome, errors, scenario.rule);
      const shown = scenario.checkerGap === undefined ? row.scenario : `${row.scenario} (gap)`;
      rows.push({ ...row, scenario: shown });
      assert.ok(
        row.agree,
        `httpd: ${row.httpd}; expected rule ${scenario.rule ?? 'none'}; ` +
          `checker errors: ${errors.join(', ') || 'none'}`,
      );
    });
  });
}
