// Asks the built language server (dist/server.js --stdio) for its capabilities with a bare
// initialize request, so the editor test knows whether hover is implemented yet and can hold
// the hover to a strict assertion as soon as it is.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from './e2e-deps';

const INITIALIZE_TIMEOUT_MS = 15_000;

/** The `capabilities` object of the server's initialize result. */
export type ServerCapabilities = Record<string, unknown>;

function frame(message: object): string {
  const body = JSON.stringify({ jsonrpc: '2.0', ...message });
  return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

export async function serverCapabilities(): Promise<ServerCapabilities> {
  const server = spawn(process.execPath, [path.join(repoRoot, 'dist/server.js'), '--stdio'], {
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  let received = Buffer.alloc(0);

  const result = new Promise<ServerCapabilities>((resolve, reject) => {
    server.stdout.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const text = received.toString();
      const headerEnd = text.indexOf('\r\n\r\n');
      const length = /Content-Length: (\d+)/i.exec(text)?.[1];
      if (headerEnd < 0 || length === undefined) return;
      const body = received.subarray(Buffer.byteLength(text.slice(0, headerEnd + 4)));
      if (body.length < Number(length)) return;
      const reply = JSON.parse(body.subarray(0, Number(length)).toString()) as {
        result?: { capabilities?: ServerCapabilities };
      };
      resolve(reply.result?.capabilities ?? {});
    });
    server.once('exit', (code) => reject(new Error(`server exited (${code}) before initialize`)));
    setTimeout(() => reject(new Error('no initialize reply')), INITIALIZE_TIMEOUT_MS).unref();
  });

  server.stdin.write(
    frame({
      id: 1,
      method: 'initialize',
      params: { processId: process.pid, rootUri: null, capabilities: {} },
    }),
  );
  try {
    return await result;
  } finally {
    server.stdin.write(frame({ id: 2, method: 'shutdown' }));
    server.stdin.end(frame({ method: 'exit' }));
    await exited;
  }
}
