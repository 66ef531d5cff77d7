/**
 * The warm re-check measurement: the built language server (`node dist/server.js --stdio`)
 * driven over JSON-RPC as an editor would. The client declares watched-file support, so the
 * server reacts to `workspace/didChangeWatchedFiles` with an immediate check (delay 0; the
 * 300 ms typing debounce only applies to didChange of the checked buffer itself, and is not
 * in these numbers). A check is finished when the server's `httpdMtls/checkDone`
 * notification for the opened config arrives: the server sends it after publishing the
 * diagnostics of that check (only the files whose diagnostics changed are republished).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-jsonrpc/node';

const uriOf = (file: string): string => pathToFileURL(file).href;
/** LSP FileChangeType.Changed. */
const CHANGED = 2;

export interface LspSamples {
  /** didOpen of the main config to its last publish (a full first check, caches cold). */
  firstCheckMs: number;
  /** Per run: didChangeWatchedFiles of one site file to the check's last publish. */
  vhostChangeMs: number[];
  /** Per run: didChangeWatchedFiles of the shared CA file to the check's last publish. */
  caChangeMs: number[];
  /** The server's VmHWM after all runs, in MiB. */
  serverPeakRssMiB: number | null;
  /**
   * Per run, the server's own time for the check (`durationMs` of checkDone: from the check's
   * start to its diagnostics sent), vhost and CA runs alternating after the first check.
   */
  serverCheckMs: number[];
}

export interface LspBenchInput {
  serverJs: string;
  root: string;
  config: string;
  ca: string;
  /** The site file to edit, and the two texts alternated on disk between runs. */
  site: string;
  siteTexts: [string, string];
  runs: number;
  /**
   * Rounds (site edit, then CA edit) run before the measured ones and not counted: the first
   * re-checks after open run code the JIT has not optimised yet (about 10 ms instead of 2 at
   * 1,000 vhosts for the first half dozen), which is not a warm re-check.
   */
  warmupRuns?: number;
  /** Extra node flags for the server process (e.g. `--cpu-prof` when profiling). */
  nodeArgs?: string[];
}

function peakRssMiB(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

export async function measureLsp(input: LspBenchInput): Promise<LspSamples> {
  const argv = [...(input.nodeArgs ?? []), input.serverJs, '--stdio'];
  const child = spawn(process.execPath, argv, { stdio: 'pipe' });
  // BENCH_SERVER_STDERR=1 shows the server's stderr (its stdout is the LSP channel).
  if (process.env.BENCH_SERVER_STDERR) child.stderr.pipe(process.stderr);
  else child.stderr.resume();
  const connection = createMessageConnection(
    new StreamMessageReader(child.stdout),
    new StreamMessageWriter(child.stdin),
  );
  const doneUri = uriOf(input.config);
  let waiting: (() => void) | null = null;
  const serverMs: number[] = [];
  connection.onNotification(
    'httpdMtls/checkDone',
    (params: { uri: string; durationMs: number }) => {
      if (params.uri !== doneUri || waiting === null) return;
      serverMs.push(params.durationMs);
      const resolve = waiting;
      waiting = null;
      resolve();
    },
  );
  connection.onRequest('client/registerCapability', () => null);
  connection.onRequest('workspace/configuration', (params: { items: unknown[] }) =>
    params.items.map(() => ({})),
  );
  connection.listen();

  const timed = async (act: () => Promise<void>): Promise<number> => {
    const done = new Promise<void>((resolve) => (waiting = resolve));
    const start = performance.now();
    await act();
    await done;
    return performance.now() - start;
  };
  const changed = (file: string) => () =>
    connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [{ uri: uriOf(file), type: CHANGED }],
    });

  try {
    await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: uriOf(input.root),
      workspaceFolders: [{ uri: uriOf(input.root), name: 'bench' }],
      capabilities: {
        workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: true } },
      },
    });
    await connection.sendNotification('initialized', {});

    const text = readFileSync(input.config, 'utf8');
    const firstCheckMs = await timed(() =>
      connection.sendNotification('textDocument/didOpen', {
        textDocument: { uri: uriOf(input.config), languageId: 'apacheconf', version: 1, text },
      }),
    );

    const caText = readFileSync(input.ca, 'utf8');
    const vhostChangeMs: number[] = [];
    const caChangeMs: number[] = [];
    const warmup = input.warmupRuns ?? 0;
    for (let run = 0; run < warmup + input.runs; run++) {
      // The edit is made before the clock starts: it is the user's save, not our work.
      writeFileSync(input.site, input.siteTexts[(run + 1) % 2]);
      const vhostMs = await timed(changed(input.site));
      // Same certificate, different bytes (a trailing newline): the file is re-read and
      // re-checked, the certificate itself comes from the content-hash cache.
      writeFileSync(input.ca, run % 2 === 0 ? `${caText}\n` : caText);
      const caMs = await timed(changed(input.ca));
      if (run < warmup) continue;
      vhostChangeMs.push(vhostMs);
      caChangeMs.push(caMs);
    }
    writeFileSync(input.site, input.siteTexts[0]);
    writeFileSync(input.ca, caText);
    const serverPeakRssMiB = peakRssMiB(child.pid);

    const exited = once(child, 'exit');
    await connection.sendRequest('shutdown');
    await connection.sendNotification('exit');
    await exited;
    // The first check, then two per round: keep the first and the measured rounds.
    const serverCheckMs = [serverMs[0], ...serverMs.slice(1 + 2 * warmup)];
    return { firstCheckMs, vhostChangeMs, caChangeMs, serverPeakRssMiB, serverCheckMs };
  } finally {
    connection.dispose();
    if (child.exitCode === null) child.kill();
  }
}
