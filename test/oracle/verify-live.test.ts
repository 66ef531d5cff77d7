/**
 * `httpd-mtls verify --live` against the real thing: each example runs in Debian's apache2 with
 * the tutorial's gunicorn backend on 127.0.0.1 (the oracle's pieces), and verify probes them
 * through --connect / --backend loopback overrides. The seed must pass live; a depth, an EKU
 * and a peer-name mistake must each fail live on the hop the static report predicted.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startApache, type RunningApache } from './apache-process';
import { startGunicorn, type RunningBackend } from './gunicorn-backend';
import { prepareServerRoot } from './harness';
import { readScenarioFiles, type ScenarioFiles } from './scenario-files';
import { SCENARIOS } from './scenarios';
import type { HopKind, VerifyReport } from '../../server/src/features/verify-types';

const REPO = path.resolve(__dirname, '..', '..');
const CLI = path.join(process.env.HTTPD_MTLS_DIST ?? path.join(REPO, 'dist'), 'cli.js');

interface LiveSetup {
  apachePort: number;
  backendPort: number;
  apache: RunningApache;
  stop(): Promise<void>;
}

/** apache2 + gunicorn for one example, left running until stop(). */
async function startSetup(files: ScenarioFiles): Promise<LiveSetup> {
  const layout = await prepareServerRoot(files, 'httpd-mtls-verify-live-');
  const { root, errorLog, apachePort, backendPort } = layout;
  const main = layout.mainConfigFile;
  const hosts = layout.hostsFile;

  let backend: RunningBackend | undefined;
  let apache: RunningApache | undefined;
  const stop = async () => {
    await apache?.stop();
    await backend?.stop();
    fs.rmSync(root, { recursive: true, force: true });
  };
  try {
    backend = await startGunicorn(backendPort, files.backend);
    apache = await startApache(main, hosts, errorLog);
  } catch (error) {
    await stop();
    throw error;
  }
  return { apachePort, backendPort, apache, stop };
}

interface VerifyRun {
  code: number | null;
  reports: VerifyReport[];
  stderr: string;
}

function runVerifyLive(files: ScenarioFiles, setup: LiveSetup): Promise<VerifyRun> {
  const args = [
    CLI,
    'verify',
    '--live',
    '--format',
    'json',
    '--connect',
    `127.0.0.1:${setup.apachePort}`,
    '--backend',
    `${files.backend.url.href}=127.0.0.1:${setup.backendPort}`,
    files.config,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: path.dirname(files.manifest) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        const parsed = JSON.parse(stdout) as { reports: VerifyReport[] };
        resolve({ code, reports: parsed.reports, stderr });
      } catch {
        reject(new Error(`verify printed no JSON (exit ${code}):\n${stdout}\n${stderr}`));
      }
    });
  });
}

/** example -> the hop that fails (predicted and live); null: every hop passes. */
const CASES: [string, HopKind | null][] = [
  ['seed', null],
  ['depth-too-small', 'client-to-apache'],
  ['proxy-depth-too-small', 'apache-to-backend'],
  ['server-auth-only-client-cert', 'apache-to-backend'],
  ['preserve-host', 'apache-to-backend'],
];

const setups: LiveSetup[] = [];
after(async () => {
  for (const setup of setups) await setup.stop();
});

for (const [name, failingHop] of CASES) {
  const scenario = SCENARIOS.find((s) => s.name === name);
  describe(`verify --live: ${name}`, () => {
    test('live results agree with the prediction', { timeout: 90_000 }, async () => {
      assert.ok(scenario, `oracle scenario ${name}`);
      const files = readScenarioFiles(path.join(REPO, scenario.dir), scenario.live);
      const setup = await startSetup(files);
      setups.push(setup);
      assert.ok(setup.apache.started, `apache2 started; its stderr: ${setup.apache.stderr()}`);
      const run = await runVerifyLive(files, setup);
      const [report] = run.reports;
      assert.ok(report, run.stderr);
      const summary = report.hops
        .map((h) => `${h.kind}: ${h.status} / live ${h.live?.status}` + ` ${h.live?.detail ?? ''}`)
        .join('\n');
      assert.equal(report.hops.length, 3, summary);
      for (const hop of report.hops) {
        const expected = hop.kind === failingHop ? 'fail' : 'pass';
        assert.equal(hop.status, expected, `predicted ${hop.kind}\n${summary}`);
        assert.equal(hop.live?.status, expected, `live ${hop.kind}\n${summary}`);
        assert.equal(hop.live?.disagrees, false, summary);
        assert.match(hop.live?.endpoint ?? '', /^127\.0\.0\.1:\d+$/);
      }
      assert.equal(run.code, failingHop === null ? 0 : 1, summary);
      await setup.stop();
      setups.splice(setups.indexOf(setup), 1);
    });
  });
}
