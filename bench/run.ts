/**
 * `npm run bench`: for synthetic trees of 10, 100 and 1,000 TLS vhosts (BENCH_SIZES=10,100 to
 * shorten), measures our CLI cold, the language server's warm re-checks (one vhost file, the
 * shared CA; p50/p95 over BENCH_LSP_RUNS=50), peak RSS, and beside them `apache2 -t` and the
 * openssl shell loop on the same tree. Prints one table and writes bench/results.json.
 * Targets are reported PASS/MISS, never asserted: numbers depend on the machine.
 * Expects built bundles (the npm script runs esbuild first).
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { measureLsp } from './lsp-session';
import { runApacheSyntaxCheck, runCliCold, runOpensslLoop, type ProcessRun } from './processes';
import { ensureTree, siteText } from './tree';

const DIST = join(__dirname, '..', 'dist');
const SIZES = (process.env.BENCH_SIZES ?? '10,100,1000').split(',').map(Number);
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 5);
const LSP_RUNS = Number(process.env.BENCH_LSP_RUNS ?? 50);
/** Unmeasured rounds before them (see `LspBenchInput.warmupRuns`). */
const LSP_WARMUP = Number(process.env.BENCH_LSP_WARMUP ?? 10);

/** Targets of issue 7 (2-core machine); the cold-time target is stated for 1,000 vhosts. */
const TARGETS = { coldMs: 1500, vhostP95Ms: 5, caMs: 200, rssMiB: 150 };

/** Nearest-rank percentile (p in 0..100) of a non-empty list. */
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

function median(values: number[]): number {
  return percentile(values, 50);
}

function repeat(times: number, once: () => ProcessRun): ProcessRun[] {
  return Array.from({ length: times }, once);
}

function firstError(runs: ProcessRun[]): string | null {
  return runs.find((run) => run.error !== null)?.error ?? null;
}

interface SizeResult {
  vhosts: number;
  cold: {
    medianMs: number;
    minMs: number;
    medianCpuMs: number;
    runs: number;
    exitCode: number | null;
  };
  peakRssMiB: number;
  lsp: {
    firstCheckMs: number;
    vhostChange: { p50Ms: number; p95Ms: number };
    caChange: { p50Ms: number; p95Ms: number };
    /** The server's own time for the vhost-change checks (checkDone `durationMs`). */
    vhostChangeInServer: { p50Ms: number; p95Ms: number };
    /** Vhost change when every edit is a site file (no CA re-check in between), 2 x runs. */
    vhostEditsOnly: { p50Ms: number; p95Ms: number };
    serverPeakRssMiB: number | null;
    runs: number;
  };
  apacheT: { medianMs: number; exitCode: number | null; error: string | null };
  opensslLoop: { ms: number; exitCode: number | null };
  ratios: { opensslOverOurs: number; oursOverApacheT: number };
  targets: Record<string, 'PASS' | 'MISS'>;
  errors: string[];
}

async function benchSize(size: number): Promise<SizeResult> {
  const tree = await ensureTree(size);
  const cold = repeat(COLD_RUNS, () => runCliCold(join(DIST, 'cli.js'), tree));
  const coldMs = cold.map((run) => run.ms);
  const peakRssMiB = Math.max(...cold.map((run) => run.peakRssMiB ?? Number.NaN));
  const apache = repeat(COLD_RUNS, () => runApacheSyntaxCheck(tree));
  const edited = Math.floor(size / 2);
  const lsp = await measureLsp({
    serverJs: join(DIST, 'server.js'),
    root: tree.root,
    config: tree.config,
    ca: tree.ca,
    site: tree.site(edited),
    siteTexts: [siteText(edited, 0), siteText(edited, 1)],
    runs: LSP_RUNS,
    warmupRuns: LSP_WARMUP,
  });
  // The same with vhost edits only (a newline in a second site file instead of the CA): no
  // whole-tree re-check in between, whose garbage the alternating runs collect.
  const vhostOnly = await measureLsp({
    serverJs: join(DIST, 'server.js'),
    root: tree.root,
    config: tree.config,
    ca: tree.site(edited + 1),
    site: tree.site(edited),
    siteTexts: [siteText(edited, 0), siteText(edited, 1)],
    runs: LSP_RUNS,
    warmupRuns: LSP_WARMUP,
  });
  const onlyVhosts = [...vhostOnly.vhostChangeMs, ...vhostOnly.caChangeMs];
  const openssl = runOpensslLoop(tree, size);

  const ours = median(coldMs);
  const vhostP95 = percentile(lsp.vhostChangeMs, 95);
  // After the first check, runs alternate: vhost change, CA change.
  const vhostInServer = lsp.serverCheckMs.slice(1).filter((_, index) => index % 2 === 0);
  const caP95 = percentile(lsp.caChangeMs, 95);
  const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS') as 'PASS' | 'MISS';
  const targets: Record<string, 'PASS' | 'MISS'> = {
    vhostP95: verdict(vhostP95 < TARGETS.vhostP95Ms),
    ca: verdict(caP95 < TARGETS.caMs),
    rss: verdict(peakRssMiB < TARGETS.rssMiB),
  };
  if (size === 1000) targets.cold = verdict(ours < TARGETS.coldMs);
  const errors = [firstError(cold), firstError(apache), openssl.error].filter(
    (error): error is string => error !== null,
  );
  return {
    vhosts: size,
    cold: {
      medianMs: ours,
      minMs: Math.min(...coldMs),
      medianCpuMs: median(cold.map((run) => run.cpuMs ?? Number.NaN)),
      runs: COLD_RUNS,
      exitCode: cold[0]?.exitCode ?? null,
    },
    peakRssMiB,
    lsp: {
      firstCheckMs: lsp.firstCheckMs,
      vhostChange: { p50Ms: median(lsp.vhostChangeMs), p95Ms: vhostP95 },
      caChange: { p50Ms: median(lsp.caChangeMs), p95Ms: caP95 },
      vhostChangeInServer: {
        p50Ms: median(vhostInServer),
        p95Ms: percentile(vhostInServer, 95),
      },
      vhostEditsOnly: { p50Ms: median(onlyVhosts), p95Ms: percentile(onlyVhosts, 95) },
      serverPeakRssMiB: lsp.serverPeakRssMiB,
      runs: LSP_RUNS,
    },
    apacheT: {
      medianMs: median(apache.map((run) => run.ms)),
      exitCode: apache[0]?.exitCode ?? null,
      error: firstError(apache),
    },
    opensslLoop: { ms: openssl.ms, exitCode: openssl.exitCode },
    ratios: {
      opensslOverOurs: openssl.ms / ours,
      oursOverApacheT: ours / median(apache.map((run) => run.ms)),
    },
    targets,
    errors,
  };
}

const fixed = (value: number, digits = 1) => value.toFixed(digits);
const mark = (result: SizeResult, key: string) =>
  result.targets[key] === undefined ? '' : ` ${result.targets[key]}`;

function table(results: SizeResult[]): string {
  const header = ['metric', ...results.map((result) => `${result.vhosts} vhosts`)];
  const rows: [string, (result: SizeResult) => string][] = [
    ['ours cold CLI, median ms', (r) => fixed(r.cold.medianMs) + mark(r, 'cold')],
    ['ours cold CLI, CPU ms', (r) => fixed(r.cold.medianCpuMs)],
    ['ours peak RSS (CLI), MiB', (r) => fixed(r.peakRssMiB) + mark(r, 'rss')],
    ['LSP first check, ms', (r) => fixed(r.lsp.firstCheckMs)],
    ['LSP vhost change p50, ms', (r) => fixed(r.lsp.vhostChange.p50Ms, 2)],
    ['LSP vhost change p95, ms', (r) => fixed(r.lsp.vhostChange.p95Ms, 2) + mark(r, 'vhostP95')],
    ['  of which in server, p50', (r) => fixed(r.lsp.vhostChangeInServer.p50Ms, 2)],
    ['  of which in server, p95', (r) => fixed(r.lsp.vhostChangeInServer.p95Ms, 2)],
    ['LSP vhost edits only p50, ms', (r) => fixed(r.lsp.vhostEditsOnly.p50Ms, 2)],
    ['LSP vhost edits only p95, ms', (r) => fixed(r.lsp.vhostEditsOnly.p95Ms, 2)],
    ['LSP CA change p50, ms', (r) => fixed(r.lsp.caChange.p50Ms, 2)],
    ['LSP CA change p95, ms', (r) => fixed(r.lsp.caChange.p95Ms, 2) + mark(r, 'ca')],
    ['LSP server peak RSS, MiB', (r) => fixed(r.lsp.serverPeakRssMiB ?? Number.NaN)],
    ['apache2 -t, median ms', (r) => fixed(r.apacheT.medianMs)],
    ['openssl loop, ms', (r) => fixed(r.opensslLoop.ms)],
    ['openssl loop / ours', (r) => `${fixed(r.ratios.opensslOverOurs)}x`],
    ['ours / apache2 -t', (r) => `${fixed(r.ratios.oursOverApacheT)}x`],
  ];
  const lines = [header, ...rows.map(([label, cell]) => [label, ...results.map(cell)])];
  const widths = header.map((_, column) =>
    Math.max(...lines.map((line) => (line[column] ?? '').length)),
  );
  return lines
    .map((line) => line.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | '))
    .join('\n');
}

async function main(): Promise<void> {
  const results: SizeResult[] = [];
  for (const size of SIZES) {
    process.stderr.write(`bench: ${size} vhosts...\n`);
    results.push(await benchSize(size));
  }
  const text = table(results);
  process.stdout.write(`${text}\n`);
  process.stdout.write(
    `Targets: 1,000 vhosts cold < ${TARGETS.coldMs} ms; vhost change p95 < ` +
      `${TARGETS.vhostP95Ms} ms; CA change p95 < ${TARGETS.caMs} ms; peak RSS < ` +
      `${TARGETS.rssMiB} MiB.\n`,
  );
  for (const result of results) {
    for (const error of result.errors) process.stdout.write(`${result.vhosts}: ${error}\n`);
  }
  const machine = {
    cpus: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    node: process.version,
  };
  const output = { date: new Date().toISOString(), machine, targets: TARGETS, results };
  writeFileSync(join(__dirname, 'results.json'), `${JSON.stringify(output, null, 2)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : error}\n`);
  process.exitCode = 1;
});
