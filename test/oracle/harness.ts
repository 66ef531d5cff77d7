/**
 * The oracle: run an example in real Apache httpd (Debian apache2) with the tutorial's
 * gunicorn backend and curl client, all on loopback, record what httpd did, and compare it
 * with the checker's verdict on the same config and files.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  firstServerName,
  listenPorts,
  mainConfig,
  rewriteExampleConfig,
  type PortRewrite,
} from './apache-config';
import {
  ahCodes,
  notableAhCodes,
  runConfigtest,
  startApache,
  writeHostsFile,
  type RunningApache,
} from './apache-process';
import { curlProbe, type ProbeResult } from './curl-probe';
import { startGunicorn, type RunningBackend } from './gunicorn-backend';
import type { ScenarioFiles } from './scenario-files';
import { freeLoopbackPort } from './wait-for';

/** What httpd did with one example. */
export interface HttpdOutcome {
  configtestOk: boolean;
  configtestOutput: string;
  started: boolean;
  /** null when httpd did not start. */
  probe: ProbeResult | null;
  /** Distinct AH codes from `apache2 -t` and the error log, sorted. */
  ahCodes: string[];
  /** The subset worth a reader's attention (see `notableAhCodes`). */
  notableAhCodes: string[];
  errorLog: string;
  /** httpd's own stderr during the start (empty when it did not run). */
  startStderr: string;
}

/** True exactly when the tutorial's request went through: the flask app's 201. */
export function served(outcome: HttpdOutcome): boolean {
  return outcome.probe?.httpStatus === 201;
}

/** One short phrase: `201`, `502`, `no start`, `curl exit 56`, `configtest failed`. */
export function describeHttpd(outcome: HttpdOutcome): string {
  if (!outcome.configtestOk) return 'configtest failed';
  if (!outcome.started) return 'no start';
  const probe = outcome.probe;
  if (probe === null) return 'not probed';
  if (probe.httpStatus !== null) return String(probe.httpStatus);
  return `curl exit ${probe.curlExit}`;
}

/** A throw-away ServerRoot for one example: its config rewritten to loopback ports and local
 * files, a main config for Debian's apache2, and a private hosts file. */
export interface ServerRootLayout {
  root: string;
  errorLog: string;
  apachePort: number;
  backendPort: number;
  mainConfigFile: string;
  hostsFile: string;
  /** The name curl asks for (the example's first ServerName). */
  serverName: string;
}

export async function prepareServerRoot(
  files: ScenarioFiles,
  prefix: string,
): Promise<ServerRootLayout> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  // Children run as www-data and must reach the runtime folder.
  fs.chmodSync(root, 0o755);
  const runDir = path.join(root, 'run');
  const errorLog = path.join(root, 'logs', 'error_log');
  fs.mkdirSync(runDir, { mode: 0o755 });
  fs.mkdirSync(path.dirname(errorLog));
  fs.writeFileSync(path.join(root, 'mime.types'), '');

  const exampleText = fs.readFileSync(files.config, 'utf8');
  const apachePort = await freeLoopbackPort();
  const backendPort = await freeLoopbackPort();
  const ports: PortRewrite[] = [
    ...listenPorts(exampleText).map((from) => ({ from, to: apachePort })),
    { from: Number(files.backend.url.port || 443), to: backendPort },
  ];
  const scenarioConfig = path.join(root, 'conf.d', path.basename(files.config));
  fs.mkdirSync(path.dirname(scenarioConfig));
  fs.writeFileSync(scenarioConfig, rewriteExampleConfig(exampleText, files.mappings, ports));
  const mainConfigFile = path.join(root, 'httpd.conf');
  const mainText = mainConfig({ serverRoot: root, runDir, errorLog, scenarioConfig });
  fs.writeFileSync(mainConfigFile, mainText);
  const serverName = firstServerName(exampleText) ?? 'localhost';
  const hostsFile = path.join(root, 'hosts');
  writeHostsFile(hostsFile, [files.backend.url.hostname, serverName]);
  return { root, errorLog, apachePort, backendPort, mainConfigFile, hostsFile, serverName };
}

/**
 * Runs one example in httpd; everything started is stopped and the temp root removed. The
 * ports are released by the kernel before httpd binds them, so another process (an outgoing
 * connection takes ports from the same range) may get one first: then it runs again on new
 * ports, up to three times.
 */
export async function runInHttpd(files: ScenarioFiles): Promise<HttpdOutcome> {
  for (let attempt = 1; ; attempt++) {
    const outcome = await runInHttpdOnce(files);
    const taken = /Address already in use/.test(`${outcome.startStderr}\n${outcome.errorLog}`);
    if (!taken || attempt === 3) return outcome;
  }
}

async function runInHttpdOnce(files: ScenarioFiles): Promise<HttpdOutcome> {
  const layout = await prepareServerRoot(files, 'httpd-mtls-oracle-');
  const { root, errorLog, apachePort, backendPort, mainConfigFile, hostsFile, serverName } = layout;

  let backend: RunningBackend | undefined;
  let apache: RunningApache | undefined;
  try {
    backend = await startGunicorn(backendPort, files.backend);
    const configtest = await runConfigtest(mainConfigFile, hostsFile);
    let probe: ProbeResult | null = null;
    if (configtest.ok) {
      apache = await startApache(mainConfigFile, hostsFile, errorLog);
      if (apache.started) {
        probe = await curlProbe({ host: serverName, port: apachePort, ...files.client });
      }
    }
    await apache?.stop();
    const log = fs.existsSync(errorLog) ? fs.readFileSync(errorLog, 'utf8') : '';
    return {
      configtestOk: configtest.ok,
      configtestOutput: configtest.output,
      started: apache?.started ?? false,
      probe,
      ahCodes: ahCodes(`${configtest.output}\n${log}`),
      notableAhCodes: [...new Set([...ahCodes(configtest.output), ...notableAhCodes(log)])].sort(),
      errorLog: log,
      startStderr: apache?.stderr() ?? '',
    };
  } finally {
    await apache?.stop();
    await backend?.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

export interface AgreementRow {
  scenario: string;
  httpd: string;
  ahCodes: string[];
  checkerErrors: string[];
  agree: boolean;
}

/**
 * Verdict agreement: httpd served 201 iff the checker reported no error; and when httpd
 * failed, the checker's errors include `expectedRule`.
 */
export function agreement(
  scenario: string,
  outcome: HttpdOutcome,
  checkerErrors: string[],
  expectedRule: string | null,
): AgreementRow {
  const ok = served(outcome)
    ? checkerErrors.length === 0
    : checkerErrors.length > 0 && (expectedRule === null || checkerErrors.includes(expectedRule));
  return {
    scenario,
    httpd: describeHttpd(outcome),
    ahCodes: outcome.notableAhCodes,
    checkerErrors,
    agree: ok,
  };
}

export function formatAgreementTable(rows: AgreementRow[]): string {
  const header = ['scenario', 'httpd result', 'AH codes', 'checker errors', 'agree?'];
  const cells = rows.map((row) => [
    row.scenario,
    row.httpd,
    row.ahCodes.join(' ') || '-',
    row.checkerErrors.join(' ') || '-',
    row.agree ? 'yes' : 'NO',
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...cells.map((c) => c[i].length)));
  const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i])).join(' | ');
  const rule = widths.map((w) => '-'.repeat(w)).join('-|-');
  return [line(header), rule, ...cells.map(line)].join('\n');
}
