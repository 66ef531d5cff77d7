/**
 * Runs Debian's apache2 the way an operator would (configtest, then a real start) inside a
 * private mount namespace whose /etc/hosts maps the example's host names to 127.0.0.1, so the
 * machine's /etc/hosts is never touched. Needs root (unshare --mount, bind mount).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { exitOf, stopProcessGroup, waitFor } from './wait-for';

const APACHE = process.env.ORACLE_APACHE ?? '/usr/sbin/apache2';

/** Line Apache logs (notice, AH00489) once the listeners are up and children started. */
const READY_MARK = /AH00489:/;
const STARTUP_TIMEOUT_MS = 20_000;

/** argv that runs `command` with `hostsFile` bind-mounted over /etc/hosts for it alone. */
function inPrivateHosts(hostsFile: string, command: string[]): [string, string[]] {
  const script = 'mount --bind "$0" /etc/hosts && exec "$@"';
  const unshare = ['--mount', '--propagation', 'private'];
  return ['unshare', [...unshare, 'sh', '-c', script, hostsFile, ...command]];
}

export function writeHostsFile(file: string, names: string[]): void {
  const lines = ['127.0.0.1 localhost', ...names.map((name) => `127.0.0.1 ${name}`), ''];
  fs.writeFileSync(file, lines.join('\n'));
}

export interface ConfigtestResult {
  ok: boolean;
  /** stdout + stderr of `apache2 -t`. */
  output: string;
}

/** `apache2 -t -f CONFIG`; a missing apache2 rejects (the oracle must fail, never skip). */
export function runConfigtest(mainConfig: string, hostsFile: string): Promise<ConfigtestResult> {
  if (!fs.existsSync(APACHE)) {
    return Promise.reject(new Error(`${APACHE} is not installed (Debian package apache2)`));
  }
  const [command, args] = inPrivateHosts(hostsFile, [APACHE, '-t', '-f', mainConfig]);
  return new Promise((resolve) => {
    execFile(command, args, { timeout: STARTUP_TIMEOUT_MS }, (error, stdout, stderr) => {
      const output = `${stdout}${stderr}`;
      resolve({ ok: error === null && /Syntax OK/.test(output), output });
    });
  });
}

export interface RunningApache {
  /** True once AH00489 was logged; false when httpd exited during startup. */
  started: boolean;
  /** Exit code when httpd exited on its own during startup, else null. */
  startupExitCode: number | null;
  /**
   * What httpd wrote to stderr (the first 64 KiB): the reason for a failure before its
   * ErrorLog opens, such as a port already taken, shows only there.
   */
  stderr(): string;
  stop(): Promise<void>;
}

/**
 * Starts `apache2 -DFOREGROUND` in its own session (stdin /dev/null, so no pass-phrase
 * prompt can block) and waits for the ready line in `errorLog` or for the process to exit.
 */
export async function startApache(
  mainConfig: string,
  hostsFile: string,
  errorLog: string,
): Promise<RunningApache> {
  const [command, args] = inPrivateHosts(hostsFile, [APACHE, '-f', mainConfig, '-DFOREGROUND']);
  const child: ChildProcess = spawn(command, args, {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    if (stderr.length < 65_536) stderr += chunk.slice(0, 65_536 - stderr.length);
  });
  let exitCode: number | null | undefined;
  void exitOf(child).then((code) => {
    exitCode = code;
  });
  const stop = () => stopProcessGroup(child);

  const readLog = (): string => (fs.existsSync(errorLog) ? fs.readFileSync(errorLog, 'utf8') : '');
  const state = await waitFor('apache2 to be ready or to exit', STARTUP_TIMEOUT_MS, () => {
    if (READY_MARK.test(readLog())) return 'ready' as const;
    if (exitCode !== undefined) return 'exited' as const;
    return undefined;
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });

  const output = () => stderr;
  if (state === 'exited') {
    return { started: false, startupExitCode: exitCode ?? null, stderr: output, stop };
  }
  return { started: true, startupExitCode: null, stderr: output, stop };
}

/** Every distinct `AHnnnnn` code in `text`, sorted. */
export function ahCodes(text: string): string[] {
  return [...new Set(text.match(/AH\d{5}/g) ?? [])].sort();
}

/**
 * mod_ssl logs the backend identity failures at info; every other code worth showing is
 * logged at warn or above (LogLevel info ssl:debug otherwise floods the log).
 */
const INFO_CODES_THAT_EXPLAIN = new Set(['AH02003', 'AH02004', 'AH02005', 'AH02411']);

/** AH codes of startup lines and lines at warn..emerg, plus the info codes that explain a 500. */
export function notableAhCodes(log: string): string[] {
  const codes = new Set<string>();
  for (const line of log.split('\n')) {
    const level = /^\[[^\]]*\] \[(?:[a-z_0-9]+:)?([a-z0-9]+)\]/.exec(line)?.[1];
    for (const code of line.match(/AH\d{5}/g) ?? []) {
      // Lines without a [module:level] prefix are mod_ssl's STARTUP messages (e.g. AH02252).
      const loud = level === undefined || /^(?:warn|error|crit|alert|emerg)$/.test(level);
      if (loud || INFO_CODES_THAT_EXPLAIN.has(code)) codes.add(code);
    }
  }
  return [...codes].sort();
}
