/**
 * `httpd-mtls verify [--live] [--format text|json] [--vhost NAME] FILE`: the Verify mTLS chain
 * report. Exit 0 when every hop passes (or is unknown), 1 when a hop fails or a live handshake
 * disagrees with the prediction, 2 for usage and I/O errors. Live probes only with --live.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { checkConfig } from './engine';
import { verifyReport } from './features/verify-report';
import { renderVerifyHtml } from './features/verify-html';
import { formatVerifyText } from './features/verify-text';
import { addLiveResults, parseConnectOverride } from './features/verify-live';
import { findProjectFile, readProjectFile } from './project-file';
import { mergeLayers } from './settings';
import type { CliIo } from './cli-io';

export const VERIFY_USAGE = `Usage: httpd-mtls verify [options] FILE

The Verify mTLS chain report: client -> Apache -> backend, a verdict per hop.

Options:
  --format text|json|html output format (default text; json shape: docs/verify.md)
  --vhost NAME            only this vhost (ServerName, ServerAlias or NAME:PORT)
  --live                  confirm with real TLS handshakes (client -> vhost, Apache -> backend)
  --connect HOST:PORT     with --live: reach the vhost here instead (loopback only)
  --backend URL=HOST:PORT with --live: reach this backend here instead (loopback only)
  --manifest FILE         project file (default: .httpd-mtls.json beside the config)
  --server-root DIR       ServerRoot when the config sets none
  -h, --help              this help
`;

class UsageError extends Error {}

export async function runVerify(argv: string[], io: CliIo): Promise<number> {
  const cwd = io.cwd ?? process.cwd();
  let values;
  let positionals;
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string', default: 'text' },
        vhost: { type: 'string' },
        live: { type: 'boolean', default: false },
        connect: { type: 'string' },
        backend: { type: 'string', multiple: true, default: [] },
        manifest: { type: 'string' },
        'server-root': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
    if (values.help) {
      io.stdout.write(VERIFY_USAGE);
      return 0;
    }
    if (!['text', 'json', 'html'].includes(values.format)) {
      throw new UsageError(`--format must be text, json or html, not "${values.format}"`);
    }
    if (positionals.length !== 1) throw new UsageError('give exactly one config FILE');
    if (!values.live && (values.connect !== undefined || values.backend.length > 0)) {
      throw new UsageError('--connect and --backend need --live');
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`httpd-mtls verify: ${message}\n\n${VERIFY_USAGE}`);
    return 2;
  }

  let overrides;
  try {
    overrides = {
      connect: values.connect === undefined ? null : parseConnectOverride(values.connect),
      backends: new Map(
        values.backend.map((spec) => {
          const eq = spec.lastIndexOf('=');
          if (eq <= 0) throw new UsageError(`--backend needs URL=HOST:PORT, not "${spec}"`);
          return [spec.slice(0, eq), parseConnectOverride(spec.slice(eq + 1))] as const;
        }),
      ),
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`httpd-mtls verify: ${message}\n`);
    return 2;
  }

  const file = positionals[0]!;
  const entry = path.resolve(cwd, file);
  if (!fs.existsSync(entry) || !fs.statSync(entry).isFile()) {
    io.stderr.write(`httpd-mtls verify: cannot read ${file}\n`);
    return 2;
  }
  const manifest =
    values.manifest === undefined
      ? findProjectFile(entry, cwd)
      : path.resolve(cwd, values.manifest);
  const project = manifest === null ? null : readProjectFile(manifest);
  if (project && project.problems.length > 0) {
    io.stderr.write(`httpd-mtls verify: ${manifest} has problems; run httpd-mtls check\n`);
    return 2;
  }
  const serverRoot = values['server-root'];
  const flags = serverRoot === undefined ? {} : { serverRoot: path.resolve(cwd, serverRoot) };
  const options = mergeLayers(project?.layer ?? {}, flags);
  const checked = checkConfig(entry, options);
  const reports = verifyReport(checked, {
    ...options,
    ...(values.vhost === undefined ? {} : { vhost: values.vhost }),
  });
  if (values.live) await addLiveResults(reports, checked, options, overrides);

  const nameFile = (f: string) => path.relative(cwd, f) || f;
  if (values.format === 'json') {
    io.stdout.write(`${JSON.stringify({ version: 1, reports }, null, 2)}\n`);
  } else if (values.format === 'html') {
    io.stdout.write(renderVerifyHtml(reports, { nonce: randomBytes(16).toString('base64') }));
  } else {
    io.stdout.write(formatVerifyText(reports, nameFile));
  }
  const failed = reports.some((r) =>
    r.hops.some((h) => h.status === 'fail' || h.live?.disagrees === true),
  );
  return failed ? 1 : 0;
}
