/**
 * The warm re-check measurement alone (`npm run bench:lsp [-- SIZE RUNS]`): no cold CLI runs,
 * no `apache2 -t`, no openssl loop, nothing written to results.json. For profiling the
 * language server between full benchmark runs.
 * - BENCH_VHOST_ONLY=1: the second edit of each run is a newline in another vhost's site file
 *   instead of the shared CA file, so every run measures vhost changes only.
 * - BENCH_SAMPLES=1: print every sample, sorted.
 * - BENCH_LSP_WARMUP=N: unmeasured rounds first (default 10, as `npm run bench`).
 * - BENCH_SERVER_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof": node flags for the server.
 */
import { join } from 'node:path';
import { measureLsp } from './lsp-session';
import { ensureTree, siteText } from './tree';

const size = Number(process.argv[2] ?? 1000);
const runs = Number(process.argv[3] ?? 50);

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function summary(name: string, samples: number[]): string {
  const p50 = percentile(samples, 50).toFixed(2);
  const p95 = percentile(samples, 95).toFixed(2);
  const all = process.env.BENCH_SAMPLES
    ? `\n  ${[...samples]
        .sort((a, b) => a - b)
        .map((x) => x.toFixed(1))
        .join(' ')}`
    : '';
  return `${name}: p50 ${p50} ms, p95 ${p95} ms${all}`;
}

async function main(): Promise<void> {
  const tree = await ensureTree(size);
  const edited = Math.floor(size / 2);
  const vhostOnly = process.env.BENCH_VHOST_ONLY === '1';
  const lsp = await measureLsp({
    serverJs: join(process.cwd(), 'dist/server.js'),
    root: tree.root,
    config: tree.config,
    ca: vhostOnly ? tree.site(edited + 1) : tree.ca,
    site: tree.site(edited),
    siteTexts: [siteText(edited, 0), siteText(edited, 1)],
    runs,
    warmupRuns: Number(process.env.BENCH_LSP_WARMUP ?? 10),
    nodeArgs: process.env.BENCH_SERVER_ARGS?.split(' ').filter((arg) => arg !== '') ?? [],
  });
  // After the first check, runs alternate: site edit, then the second edit.
  const inServer = lsp.serverCheckMs.slice(1);
  console.log(`${size} vhosts, ${runs} runs; first check ${lsp.firstCheckMs.toFixed(0)} ms`);
  console.log(summary('vhost change', lsp.vhostChangeMs));
  console.log(
    summary(
      '  in server',
      inServer.filter((_, index) => index % 2 === 0),
    ),
  );
  console.log(summary(vhostOnly ? 'other vhost change' : 'CA change', lsp.caChangeMs));
  console.log(`server peak RSS ${lsp.serverPeakRssMiB?.toFixed(0)} MiB`);
}

void main();
