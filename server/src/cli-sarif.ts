/**
 * `httpd-mtls check --format sarif`: the report as one SARIF 2.1.0 log (OASIS SARIF 2.1.0,
 * the format GitHub code scanning ingests). Regions are 1-based lines and 1-based UTF-16
 * columns (SARIF's default columnKind), converted from the 0-based half-open LSP ranges of the
 * report here and nowhere else. Artifact URIs inside the working directory are relative to the
 * `%SRCROOT%` base, so logs from different checkouts compare equal.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Range, RuleId, Severity } from './findings';
import type { RuleInfo } from './rules/types';
import type { Report, ReportDiagnostic } from './cli-output';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
export const SRCROOT = '%SRCROOT%';
/** Key of our entry in `partialFingerprints`; bump the `/v1` if the hashed input changes. */
export const FINGERPRINT_KEY = 'httpdMtlsDirectiveHash/v1';

export interface SarifOptions {
  rules: Record<RuleId, RuleInfo>;
  toolVersion: string;
  informationUri: string;
  /** Absolute working directory: `%SRCROOT%` and the base of relative report file names. */
  cwd: string;
  /** The text lines of a file (absolute path); null when it cannot be read. Used only for
   * the directive text that fingerprints hash. */
  readLines: (absolute: string) => string[] | null;
}

type SarifLevel = 'error' | 'warning' | 'note' | 'none';

const LEVELS: Record<Severity, SarifLevel> = {
  error: 'error',
  warning: 'warning',
  information: 'note',
  hint: 'none',
};

interface ArtifactLocation {
  uri: string;
  uriBaseId?: string;
}

interface PhysicalLocation {
  artifactLocation: ArtifactLocation;
  region: {
    startLine: number;
    startColumn: number;
    endLine: number;
    endColumn: number;
  };
}

/** SARIF regions: 1-based; endColumn is the column after the last character, as LSP's end. */
export function sarifRegion(range: Range): PhysicalLocation['region'] {
  return {
    startLine: range.start.line + 1,
    startColumn: range.start.character + 1,
    endLine: range.end.line + 1,
    endColumn: range.end.character + 1,
  };
}

function artifactLocation(absolute: string, cwd: string): ArtifactLocation {
  const relative = path.relative(cwd, absolute);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
    return { uri: pathToFileURL(absolute).href };
  }
  const uri = relative.split(path.sep).map(encodeURIComponent).join('/');
  return { uri, uriBaseId: SRCROOT };
}

/**
 * The text a fingerprint hashes: what the range covers on its first line, whitespace
 * collapsed; the whole line when the range is empty (a finding about a whole file or line).
 * Line numbers are left out on purpose, so moving a directive keeps its fingerprint.
 */
function directiveText(lines: string[] | null, range: Range): string {
  const line = lines?.[range.start.line];
  if (line === undefined) return '';
  const end = range.end.line === range.start.line ? range.end.character : line.length;
  const covered = line.slice(range.start.character, end);
  return (covered.trim() === '' ? line : covered).trim().replace(/\s+/g, ' ');
}

export function formatSarif(report: Report, options: SarifOptions): string {
  const ruleIds = Object.keys(options.rules) as RuleId[];
  const ruleIndex = new Map(ruleIds.map((id, index) => [id, index]));
  const linesCache = new Map<string, string[] | null>();
  const linesOf = (absolute: string): string[] | null => {
    if (!linesCache.has(absolute)) linesCache.set(absolute, options.readLines(absolute));
    return linesCache.get(absolute) ?? null;
  };
  const occurrences = new Map<string, number>();

  const result = (d: ReportDiagnostic): object => {
    const absolute = path.resolve(options.cwd, d.file);
    const location = artifactLocation(absolute, options.cwd);
    const relativeName = location.uriBaseId === undefined ? absolute : location.uri;
    const text = directiveText(linesOf(absolute), d.range);
    const digest = createHash('sha256')
      .update(JSON.stringify([d.code, relativeName, text]))
      .digest('hex');
    // Two identical directives in one file stay distinct and keep their order.
    const seen = occurrences.get(digest) ?? 0;
    occurrences.set(digest, seen + 1);

    return {
      ruleId: d.code,
      ruleIndex: ruleIndex.get(d.code),
      level: LEVELS[d.severity],
      message: { text: d.message },
      locations: [
        { physicalLocation: { artifactLocation: location, region: sarifRegion(d.range) } },
      ],
      relatedLocations: d.related.map((related, index) => ({
        id: index + 1,
        physicalLocation: {
          artifactLocation: artifactLocation(path.resolve(options.cwd, related.file), options.cwd),
          region: sarifRegion(related.range),
        },
        message: { text: related.message },
      })),
      partialFingerprints: { [FINGERPRINT_KEY]: `${digest.slice(0, 32)}:${seen + 1}` },
    };
  };

  const log = {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'httpd-mtls',
            version: options.toolVersion,
            semanticVersion: options.toolVersion,
            informationUri: options.informationUri,
            rules: ruleIds.map((id) => {
              const rule = options.rules[id];
              return {
                id,
                shortDescription: { text: rule.title },
                fullDescription: { text: rule.apache },
                helpUri: rule.docs,
                defaultConfiguration: { level: LEVELS[rule.severity] },
              };
            }),
          },
        },
        originalUriBaseIds: {
          [SRCROOT]: { uri: pathToFileURL(options.cwd + path.sep).href },
        },
        columnKind: 'utf16CodeUnits',
        results: report.diagnostics.map(result),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
