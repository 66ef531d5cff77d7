/**
 * The tutorial's backend: gunicorn serving the flask app over TLS with a required client
 * certificate (`--cert-reqs 2` is ssl.CERT_REQUIRED), bound to 127.0.0.1 only.
 */
import { spawn } from 'node:child_process';
import { acceptsConnections, exitOf, stopProcessGroup, waitFor } from './wait-for';

/** Debian's python3 has python3-gunicorn and python3-flask; a pyenv `python3` may not. */
const PYTHON = process.env.ORACLE_PYTHON ?? '/usr/bin/python3';
const STARTUP_TIMEOUT_MS = 20_000;

export interface BackendTls {
  appDir: string;
  certificate: string;
  key: string;
  caCertificates: string;
}

export interface RunningBackend {
  stop(): Promise<void>;
}

export async function startGunicorn(port: number, tls: BackendTls): Promise<RunningBackend> {
  const args = [
    '-m',
    'gunicorn',
    '--bind',
    `127.0.0.1:${port}`,
    '--chdir',
    tls.appDir,
    '--workers',
    '1',
    '--certfile',
    tls.certificate,
    '--keyfile',
    tls.key,
    '--ca-certs',
    tls.caCertificates,
    '--cert-reqs',
    '2',
    'myFlaskApp:app',
  ];
  const child = spawn(PYTHON, args, {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    // No __pycache__ written into the examples folder.
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  let exited = false;
  void exitOf(child).then(() => {
    exited = true;
  });
  const stop = () => stopProcessGroup(child);

  try {
    await waitFor(`gunicorn on 127.0.0.1:${port}`, STARTUP_TIMEOUT_MS, async () => {
      if (exited) throw new Error(`gunicorn exited during startup:\n${stderr}`);
      return (await acceptsConnections(port)) || undefined;
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { stop };
}
