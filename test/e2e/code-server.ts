// Starts and stops a private code-server (VS Code 1.100.3 in the browser) for one test run:
// its own user-data, extensions and XDG folders under a temp dir, bound to 127.0.0.1 on a
// free port. Pitfall 10 of shared/research/editor-e2e.md: a stale server on the same port
// would let a test pass against old code, so the port must be free and the log must say
// that this process is the one listening.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { acceptsConnections, freeLoopbackPort } from '../oracle/wait-for';
import { codeServerEntry } from './e2e-deps';

const execFileAsync = promisify(execFile);
const LISTEN_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

/** Folders of one run, all under `root` (a mkdtemp folder the caller removes). */
export interface CodeServerDirs {
  root: string;
  userData: string;
  extensions: string;
  config: string;
}

export interface RunningCodeServer {
  /** Base URL, e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string;
  /** Everything the server printed so far, for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

/** Creates the run's folders, a config file and user settings that silence first-run UI. */
export function prepareDirs(root: string): CodeServerDirs {
  const dirs: CodeServerDirs = {
    root,
    userData: path.join(root, 'user-data'),
    extensions: path.join(root, 'extensions'),
    config: path.join(root, 'config.yaml'),
  };
  mkdirSync(path.join(dirs.userData, 'User'), { recursive: true });
  mkdirSync(dirs.extensions, { recursive: true });
  writeFileSync(dirs.config, 'auth: none\ncert: false\n');
  const settings = {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'security.workspace.trust.enabled': false,
    'files.autoSave': 'off',
    'editor.hover.delay': 150,
  };
  writeFileSync(path.join(dirs.userData, 'User/settings.json'), JSON.stringify(settings));
  return dirs;
}

/** HOME-writing tools (code-server, chromium, deviceid, nvim) write into the run folder. */
export function isolatedEnv(root: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    XDG_CONFIG_HOME: path.join(root, 'xdg/config'),
    XDG_DATA_HOME: path.join(root, 'xdg/data'),
    XDG_CACHE_HOME: path.join(root, 'xdg/cache'),
    XDG_STATE_HOME: path.join(root, 'xdg/state'),
  };
}

function baseArgs(dirs: CodeServerDirs): string[] {
  return [
    codeServerEntry(),
    '--config',
    dirs.config,
    '--user-data-dir',
    dirs.userData,
    '--extensions-dir',
    dirs.extensions,
  ];
}

export async function installExtension(dirs: CodeServerDirs, vsixPath: string): Promise<void> {
  await execFileAsync(process.execPath, [...baseArgs(dirs), '--install-extension', vsixPath], {
    env: isolatedEnv(dirs.root),
  });
}

/** PIDs of every descendant of `pid`, read from ps before anything is killed. */
async function descendantPids(pid: number): Promise<number[]> {
  const { stdout } = await execFileAsync('ps', ['-e', '-o', 'pid=,ppid=']);
  const children = new Map<number, number[]>();
  for (const row of stdout.trim().split('\n')) {
    const [child, parent] = row.trim().split(/\s+/).map(Number);
    if (child === undefined || parent === undefined) continue;
    children.set(parent, [...(children.get(parent) ?? []), child]);
  }
  const found: number[] = [];
  const queue = [pid];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    for (const child of children.get(next) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone: the goal of stopping it is met.
  }
}

async function stopTree(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const descendants = await descendantPids(pid);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  // The server is the leader of its own process group (detached), so -pid reaches the
  // extension host, file watcher and language server; the recorded PIDs catch any that
  // moved to another group.
  signal(-pid, 'SIGTERM');
  for (const descendant of descendants) signal(descendant, 'SIGTERM');

  const timer = setTimeout(() => signal(-pid, 'SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

export async function startCodeServer(
  dirs: CodeServerDirs,
  workspace: string,
): Promise<RunningCodeServer> {
  const port = await freeLoopbackPort();
  if (await acceptsConnections(port)) throw new Error(`127.0.0.1:${port} already answers`);

  const args = [
    ...baseArgs(dirs),
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    workspace,
  ];
  const child = spawn(process.execPath, args, {
    env: isolatedEnv(dirs.root),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = `http://127.0.0.1:${port}`;
  const listening = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes(`HTTP server listening on ${url}`)) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`code-server exited (${code}):\n${output}`)));
    setTimeout(
      () => reject(new Error(`code-server not listening:\n${output}`)),
      LISTEN_TIMEOUT_MS,
    ).unref();
  });

  try {
    await listening;
  } catch (error) {
    await stopTree(child);
    throw error;
  }
  return { url, log: () => output, stop: () => stopTree(child) };
}
