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
import { mergeLayers, type OptionLayer } from './settings';
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
  --map DEPLOYED=LOCAL    map a deployed path prefix to a local folder (repeatable)
  --at YYYY-MM-DD         judge certificate validity at this date (UTC midnight)
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
        map: { type: 'string', multiple: true, default: [] },
        at: { type: 'string' },
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
  let flags: OptionLayer;
  try {
    flags = flagLayer(values, cwd);
  } catch (error) {
    io.stderr.write(`httpd-mtls verify: ${(error as Error).message}\n`);
    return 2;
  }
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

/** --server-root, --map and --at as an option layer over the project file. */
function flagLayer(
  values: { 'server-root'?: string; map: string[]; at?: string },
  cwd: string,
): OptionLayer {
  const layer: OptionLayer = {};
  if (values['server-root'] !== undefined) {
    layer.serverRoot = path.resolve(cwd, values['server-root']);
  }
  if (values.map.length > 0) {
    layer.pathMappings = values.map.map((map) => {
      const eq = map.indexOf('=');
      if (eq <= 0 || eq === map.length - 1) throw new Error(`--map needs DEPLOYED=LOCAL: "${map}"`);
      return { from: map.slice(0, eq), to: path.resolve(cwd, map.slice(eq + 1)) };
    });
  }
  if (values.at !== undefined) {
    const at = new Date(`${values.at}T00:00:00Z`);
    const valid = /^\d{4}-\d{2}-\d{2}$/.test(values.at) && !Number.isNaN(at.getTime());
    if (!valid || at.toISOString().slice(0, 10) !== values.at) {
      throw new Error(`--at needs a date YYYY-MM-DD, not "${values.at}"`);
    }
    layer.at = at;
  }
  return layer;
}
