/**
 * One request as the tutorial's client makes it: curl with the client certificate, the host
 * name pinned to 127.0.0.1 with --resolve (no DNS, no /etc/hosts) and no proxy.
 */
import { execFile } from 'node:child_process';

export interface ProbeResult {
  /** curl's exit code: 0, or e.g. 56 for a TLS alert while reading. */
  curlExit: number;
  /** HTTP status, or null when no response came (TLS failure). */
  httpStatus: number | null;
  stderr: string;
}

export interface ProbeTarget {
  host: string;
  port: number;
  certificate: string;
  key: string;
  caCertificates: string;
}

export function curlProbe(target: ProbeTarget): Promise<ProbeResult> {
  const args = [
    '--silent',
    '--show-error',
    '--noproxy',
    '*',
    '--max-time',
    '15',
    '--output',
    '/dev/null',
    '--write-out',
    '%{http_code}',
    '--resolve',
    `${target.host}:${target.port}:127.0.0.1`,
    '--cacert',
    target.caCertificates,
    '--cert',
    target.certificate,
    '--key',
    target.key,
    `https://${target.host}:${target.port}/`,
  ];
  return new Promise((resolve, reject) => {
    execFile('curl', args, { timeout: 30_000 }, (error, stdout, stderr) => {
      if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(new Error('curl is not installed', { cause: error }));
        return;
      }
      const code = error ? Number((error as { code?: unknown }).code ?? -1) : 0;
      const status = Number.parseInt(stdout.trim(), 10);
      resolve({
        curlExit: Number.isInteger(code) ? code : -1,
        httpStatus: Number.isInteger(status) && status > 0 ? status : null,
        stderr: stderr.trim(),
      });
    });
  });
}
