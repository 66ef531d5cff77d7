/**
 * Whole-process measurements: our CLI cold (process start to exit, peak RSS from GNU time's
 * %M, which is the child's maximum resident set in KiB), `apache2 -t` on the same tree with
 * Debian's envvars, and the openssl shell loop people script today (bench/openssl-loop.sh).
 * Wall time is taken around the spawn in this process, so it includes process start-up;
 * for our CLI, GNU time's %U+%S gives its CPU time too.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { debianEnv, type BenchTree } from './tree';

export interface ProcessRun {
  ms: number;
  exitCode: number | null;
  /** Peak RSS in MiB, when measured. */
  peakRssMiB: number | null;
  /** User + system CPU time in ms, when measured (less sensitive to a loaded machine). */
  cpuMs: number | null;
  /** Last line of stderr when the run failed, for the report. */
  error: string | null;
}

const TIME = '/usr/bin/time';

function run(command: string, args: string[], env: NodeJS.ProcessEnv, withRss: boolean) {
  const format = 'bench-peak-rss-kib=%M bench-cpu-s=%U+%S';
  const argv = withRss ? ['-f', format, command, ...args] : args;
  const start = performance.now();
  const result = spawnSync(withRss ? TIME : command, argv, {
    env,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const ms = performance.now() - start;
  const stderr = result.stderr ?? '';
  const rss = /bench-peak-rss-kib=(\d+)/.exec(stderr);
  const cpu = /bench-cpu-s=([\d.]+)\+([\d.]+)/.exec(stderr);
  const failed = result.status !== 0 && result.status !== 1;
  const lastLine = stderr
    .trim()
    .split('\n')
    .filter((line) => !line.startsWith('bench-'))
    .pop();
  return {
    ms,
    exitCode: result.status,
    peakRssMiB: rss ? Number(rss[1]) / 1024 : null,
    cpuMs: cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : null,
    error: failed ? (lastLine ?? String(result.error ?? 'failed')) : null,
  } satisfies ProcessRun;
}

/** `node dist/cli.js check --format json <tree>/apache2.conf`; exit 1 (findings) is a run. */
export function runCliCold(cliJs: string, tree: BenchTree): ProcessRun {
  const args = [cliJs, 'check', '--format', 'json', tree.config];
  return run(process.execPath, args, { PATH: process.env.PATH }, true);
}

/** `apache2 -t -f <tree>/apache2.conf`, environment as Debian's apache2ctl sets it. */
export function runApacheSyntaxCheck(tree: BenchTree): ProcessRun {
  const env = { PATH: '/usr/sbin:/usr/bin:/bin', ...debianEnv(tree.root) };
  return run('apache2', ['-t', '-f', tree.config], env, false);
}

/** One pass of bench/openssl-loop.sh over every vhost of the tree. */
export function runOpensslLoop(tree: BenchTree, size: number): ProcessRun {
  const script = join(__dirname, 'openssl-loop.sh');
  return run('bash', [script, tree.root, String(size)], { PATH: process.env.PATH }, false);
}
