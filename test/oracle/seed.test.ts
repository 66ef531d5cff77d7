/**
 * Oracle tier: every bundled example runs in real Apache httpd with the tutorial's gunicorn
 * backend and curl client on loopback. First httpd must do what the example says (so the
 * examples stay true), then the checker's verdict must agree with httpd's.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
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
import { readScenarioFiles } from './scenario-files';
import { SCENARIOS } from './scenarios';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const rows: AgreementRow[] = [];

after(() => {
  console.log(`\noracle agreement (Apache httpd vs checker)\n${formatAgreementTable(rows)}\n`);
});

for (const scenario of SCENARIOS) {
  describe(`oracle: ${scenario.name}`, () => {
    const files = readScenarioFiles(path.join(REPO_ROOT, scenario.dir), scenario.live);
    let outcome: HttpdOutcome | undefined;

    test('httpd does what the example says', { timeout: 60_000 }, async () => {
      outcome = await runInHttpd(files);
      const expected = scenario.httpd;
      const context =
        `${describeHttpd(outcome)}\n${outcome.configtestOutput}\n${outcome.errorLog}\n` +
        `httpd stderr: ${outcome.startStderr}`;
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

    test('the checker agrees with httpd', { timeout: 60_000 }, async () => {
      assert.ok(outcome, 'httpd did not run');
      let errors: string[] = [];
      try {
        const checked = await runChecker(files.config, files.manifest);
        const errorCodes = checked.diagnostics.filter((d) => d.severity === 'error');
        errors = [...new Set(errorCodes.map((d) => d.code))];
      } catch (error) {
        const failed = agreement(scenario.name, outcome, ['<checker failed>'], scenario.rule);
        rows.push({ ...failed, agree: false });
        throw error;
      }
      const row = agreement(scenario.name, outcome, errors, scenario.rule);
      rows.push(row);
      assert.ok(row.agree, `httpd: ${row.httpd}; checker errors: ${errors.join(', ') || 'none'}`);
    });
  });
}
