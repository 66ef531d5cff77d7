/**
 * `httpd-mtls check [options] FILE...` (DESIGN section 5). Exit 0 clean, 1 when a finding is
 * at or above --fail-on, 2 for usage and I/O errors (message on stderr). Option precedence:
 * flags over the project file over defaults. Relative flag paths are relative to the cwd.
 */
import * as fs from 'node:fs';
import { readRegularTextOrNothing } from './safe-read';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { checkConfig } from './engine';
import { applySuppressions } from './features/suppressions';
import type { Finding, Severity } from './findings';
import type { PathMapping } from './config/types';
import { RULES } from './rules/rule-table';
import { mergeLayers, type OptionLayer } from './settings';
import { findProjectFile, readProjectFile, type ProjectFile } from './project-file';
import type { RuleLevels } from './features/diagnostics';
import { buildReport, fileNamer, formatJson, formatText, reachesFailLevel } from './cli-output';
import type { Report } from './cli-output';
import { formatSarif } from './cli-sarif';
import { repository, version } from '../../package.json';
import type { CliIo } from './cli-io';

/** A file's text for suppression comments; undefined when it cannot be read. */
function readFileOrNothing(file: string): string | undefined {
  return readRegularTextOrNothing(file);
}

export const CHECK_USAGE = `Usage: httpd-mtls check [options] FILE...

Checks Apache httpd TLS / mTLS configs against the certificate files they name.

Options:
  --format text|json|sarif      output format (default text; sarif: SARIF 2.1.0)
  --fail-on error|warning|information|never
                                exit 1 when a finding is at or above this level (default error)
  --server-root DIR             ServerRoot when the config sets none
  --define NAME[=VALUE]         as httpd -D NAME / Define NAME VALUE (repeatable)
  --map DEPLOYED=LOCAL          map a deployed path prefix to a local folder (repeatable)
  --at YYYY-MM-DD               judge certificate validity at this date (UTC midnight)
  --apache-version 2.4.N        target Apache version (default 2.4.71)
  --openssl-version 3.0|1.1     target OpenSSL version (default 3.0)
  --manifest FILE               project file (default: the nearest .httpd-mtls.json in the
                                config's folder or a parent folder)
  -h, --help                    this help
`;

class UsageError extends Error {}

const FAIL_LEVELS = ['error', 'warning', 'information', 'never'] as const;
type FailOn = (typeof FAIL_LEVELS)[number];

interface CheckRequest {
  files: string[];
  format: 'text' | 'json' | 'sarif';
  failOn: Severity | 'never';
  flags: OptionLayer;
  manifest: string | null;
}

function parseCheckArgs(argv: string[], cwd: string): CheckRequest | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string', default: 'text' },
        'fail-on': { type: 'string', default: 'error' },
        'server-root': { type: 'string' },
        define: { type: 'string', multiple: true, default: [] },
        map: { type: 'string', multiple: true, default: [] },
        at: { type: 'string' },
        'apache-version': { type: 'string' },
        'openssl-version': { type: 'string' },
        manifest: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';

  const format = values.format;
  if (format !== 'text' && format !== 'json' && format !== 'sarif') {
    throw new UsageError(`--format must be text, json or sarif, not "${format}"`);
  }
  const failOn = values['fail-on'];
  if (!(FAIL_LEVELS as readonly string[]).includes(failOn)) {
    throw new UsageError(`--fail-on must be one of ${FAIL_LEVELS.join(', ')}, not "${failOn}"`);
  }
  if (positionals.length === 0) throw new UsageError('no config FILE given');

  return {
    files: positionals,
    format,
    failOn: failOn as FailOn,
    flags: flagLayer(values, cwd),
    manifest: values.manifest === undefined ? null : path.resolve(cwd, values.manifest),
  };
}

interface FlagValues {
  'server-root'?: string;
  define: string[];
  map: string[];
  at?: string;
  'apache-version'?: string;
  'openssl-version'?: string;
}

function flagLayer(values: FlagValues, cwd: string): OptionLayer {
  const layer: OptionLayer = {};
  if (values['server-root'] !== undefined) {
    layer.serverRoot = path.resolve(cwd, values['server-root']);
  }
  if (values.define.length > 0) {
    layer.defines = Object.fromEntries(
      values.define.map((define) => {
        const eq = define.indexOf('=');
        const name = eq < 0 ? define : define.slice(0, eq);
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
          throw new UsageError(`--define needs NAME[=VALUE], not "${define}"`);
        }
        return [name, eq < 0 ? null : define.slice(eq + 1)];
      }),
    );
  }
  if (values.map.length > 0) layer.pathMappings = values.map.map((map) => parseMap(map, cwd));
  if (values.at !== undefined) layer.at = parseDate(values.at);
  const apache = values['apache-version'];
  if (apache !== undefined) {
    if (!/^2\.4\.\d+$/.test(apache)) throw new UsageError('--apache-version must be 2.4.N');
    layer.apacheVersion = apache;
  }
  const openssl = values['openssl-version'];
  if (openssl !== undefined) {
    if (openssl !== '3.0' && openssl !== '1.1') {
      throw new UsageError('--openssl-version must be 3.0 or 1.1');
    }
    layer.opensslVersion = openssl;
  }
  return layer;
}

function parseMap(map: string, cwd: string): PathMapping {
  const eq = map.indexOf('=');
  if (eq <= 0 || eq === map.length - 1) {
    throw new UsageError(`--map needs DEPLOYED=LOCAL, not "${map}"`);
  }
  return { from: map.slice(0, eq), to: path.resolve(cwd, map.slice(eq + 1)) };
}

/** `YYYY-MM-DD` as midnight UTC; rejects impossible dates such as 2025-02-30. */
function parseDate(text: string): Date {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const date = match ? new Date(`${text}T00:00:00Z`) : null;
  if (date === null || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== text) {
    throw new UsageError(`--at needs a date YYYY-MM-DD, not "${text}"`);
  }
  return date;
}

/** Prints project file problems compiler-style; true when there were any. */
function reportProjectProblems(project: ProjectFile, io: CliIo, cwd: string): boolean {
  const name = path.relative(cwd, project.file) || project.file;
  for (const problem of project.problems) {
    const { line, character } = problem.range.start;
    io.stderr.write(`${name}:${line + 1}:${character + 1}: error: ${problem.message}\n`);
  }
  return project.problems.length > 0;
}

function formatReport(report: Report, request: CheckRequest, cwd: string): string {
  if (request.format === 'json') return formatJson(report);
  if (request.format === 'text') return formatText(report, request.files.length);
  return formatSarif(report, {
    rules: RULES,
    toolVersion: version,
    informationUri: repository.url.replace(/^git\+/, '').replace(/\.git$/, ''),
    cwd,
    readLines: (file) => readRegularTextOrNothing(file)?.split(/\r?\n/) ?? null,
  });
}

export async function runCheck(argv: string[], io: CliIo): Promise<number> {
  const cwd = io.cwd ?? process.cwd();
  let request: CheckRequest | 'help';
  try {
    request = parseCheckArgs(argv, cwd);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`httpd-mtls check: ${error.message}\n\n${CHECK_USAGE}`);
    return 2;
  }
  if (request === 'help') {
    io.stdout.write(CHECK_USAGE);
    return 0;
  }

  const given = new Map<string, string>();
  const findings: Finding[] = [];
  const projects = new Map<string, ProjectFile>();
  let levels: RuleLevels = {};

  for (const file of request.files) {
    const entry = path.resolve(cwd, file);
    given.set(entry, file);
    try {
      if (!fs.statSync(entry).isFile()) throw new Error('not a regular file');
      fs.accessSync(entry, fs.constants.R_OK);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      io.stderr.write(`httpd-mtls check: cannot read ${file}: ${reason}\n`);
      return 2;
    }

    // Like .editorconfig: the nearest project file in the config's folder or any parent.
    const manifest = request.manifest ?? findProjectFile(entry, path.parse(entry).root);
    let project: ProjectFile | null = null;
    if (manifest !== null) {
      project = projects.get(manifest) ?? readProjectFile(manifest);
      projects.set(manifest, project);
      if (reportProjectProblems(project, io, cwd)) return 2;
      levels = { ...levels, ...project.rules };
    }

    try {
      const options = mergeLayers(project?.layer ?? {}, request.flags);
      options.discoverPeersIn = project ? path.dirname(project.file) : discoveryRoot(entry, cwd);
      // httpd reads ${VAR} from its own environment after Defines: `. envvars` then check.
      options.env = definedOnly(io.env ?? process.env);
      findings.push(...applySuppressions(checkConfig(entry, options).findings, readFileOrNothing));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      io.stderr.write(`httpd-mtls check: checking ${file} failed: ${reason}\n`);
      return 2;
    }
  }

  const report = buildReport(findings, RULES, levels, fileNamer(cwd, given));
  io.stdout.write(formatReport(report, request, cwd));
  return reachesFailLevel(report, request.failOn) ? 1 : 0;
}

function definedOnly(env: NodeJS.ProcessEnv): Record<string, string> {
  const defined: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined) defined[name] = value;
  return defined;
}

/** Where to look for peer certificates without a project file: cwd, if it holds the config. */
function discoveryRoot(entry: string, cwd: string): string {
  const relative = path.relative(cwd, entry);
  const inside = !relative.startsWith('..') && !path.isAbsolute(relative);
  return inside ? cwd : path.dirname(entry);
}
