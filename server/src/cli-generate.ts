/**
 * `httpd-mtls generate PROFILE [options]`: non-interactive certificate generation
 * (DESIGN section 6). Exit 0 written, 1 refused (a target exists or a folder is unsafe;
 * nothing written), 2 usage or I/O error. Prints paths, modes and SHA-256 fingerprints,
 * never key material or passwords.
 */
import * as path from 'node:path';
import { readRegularText } from './safe-read';
import { parseArgs } from 'node:util';
import type { CliIo } from './cli-io';
import { describeGeneration, GenerateForInputError, planForConfig } from './cli-generate-for';
import {
  KEY_TYPES,
  caPathsIn,
  colonFingerprint,
  generateForTargets,
  generateIntermediateCa,
  generateRootCa,
  generateSeedPki,
  generatedPkcs12Password,
  loadIssuingCa,
  planCaFiles,
  type GenerationTarget,
  type KeyType,
  type PlannedFile,
  type SubjectFields,
} from './pki/generate';
import { RefusedWriteError, writePlannedFiles, type WrittenFile } from './write-files';

export const GENERATE_USAGE = `Usage: httpd-mtls generate PROFILE [options]
       httpd-mtls generate --for CONFIG [--manifest F] [--ca-out DIR] [--key-type TYPE]

Profiles:
  seed          the tutorial's whole PKI: CA, Apache server cert+key, Apache proxy-client
                bundle, backend cert+key, client cert+key+PKCS#12
                  --server-name NAME (required, repeatable: ServerName then ServerAlias)
                  --backend-host HOST (required)  --client-name NAME (required)
  ca            a root CA: OUT/ca/ca.crt and OUT/ca-private/ca.key
  intermediate  an intermediate CA signed by --ca, same layout as ca
  server | backend | client | proxy-client
                one leaf signed by --ca: OUT/<profile>.crt + .key (proxy-client:
                OUT/proxy-client.pem, certificate then traditional key; client: also .p12)
                  --name NAME (repeatable; DNS name or IP, the first is the CN)

--for CONFIG    every certificate, key, CA and proxy-client file the config names and
                that does not exist, at its (mapped) path: signed by the CA the vhost trusts
                when that CA's key is in the workspace, else by a new CA written to --ca-out
                (default <workspace>/httpd-mtls-ca; key in its ca-private folder)

Options:
  --out DIR                 output folder (required); existing files are never overwritten
  --ca DIR                  the signing CA's folder (holding ca/ca.crt, ca-private/ca.key)
  --key-type TYPE           ${KEY_TYPES.join('|')} (default ec-p256)
  --days N                  leaf validity in days (default 365)
  --ca-days N               CA validity in days (default 3650)
  --ca-name CN              CA common name (default "httpd-mtls CA")
  --path-len N              CA pathLen (default 1 for a root, 0 for an intermediate)
  --org O  --org-unit OU  --country CC
                            subject fields for every certificate
  --p12-password-file F     PKCS#12 password (first line); without it a random password
                            is written beside the .p12 as .p12.password (0600)
  -h, --help                this help

Exit: 0 written, 1 refused (nothing written), 2 usage or I/O error.
`;

class UsageError extends Error {}

const OPTIONS = {
  out: { type: 'string' },
  ca: { type: 'string' },
  'key-type': { type: 'string', default: 'ec-p256' },
  days: { type: 'string', default: '365' },
  'ca-days': { type: 'string', default: '3650' },
  'ca-name': { type: 'string', default: 'httpd-mtls CA' },
  'path-len': { type: 'string' },
  org: { type: 'string' },
  'org-unit': { type: 'string' },
  country: { type: 'string' },
  'p12-password-file': { type: 'string' },
  'server-name': { type: 'string', multiple: true },
  'backend-host': { type: 'string' },
  'client-name': { type: 'string' },
  name: { type: 'string', multiple: true },
  for: { type: 'string' },
  manifest: { type: 'string' },
  'ca-out': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type ParsedValues = ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values'];

/** Validity beyond 9999-12-31 cannot be written (RFC 5280 GeneralizedTime has four digits). */
const MAX_DAYS = Math.floor((Date.UTC(9999, 11, 31) - Date.now()) / 86_400_000);
/** Upper bounds per numeric flag; a pathLen beyond a few levels means a typo. */
const MAXIMUM: Record<string, number> = { days: MAX_DAYS, 'ca-days': MAX_DAYS, 'path-len': 16 };

function wholeNumber(flag: string, text: string, minimum: number): number {
  const maximum = MAXIMUM[flag] ?? Number.MAX_SAFE_INTEGER;
  if (!/^\d+$/.test(text) || Number(text) < minimum || Number(text) > maximum) {
    throw new UsageError(
      `--${flag} must be a whole number from ${minimum} to ${maximum}, got "${text}"`,
    );
  }
  return Number(text);
}

/** X.520 upper bounds: countryName is two letters, O and OU at most 64 characters. */
function subjectField(flag: string, text: string | undefined): string | undefined {
  if (text === undefined || text === '') return undefined;
  const ok = flag === 'country' ? /^[A-Za-z]{2}$/.test(text) : text.length <= 64;
  if (!ok) {
    const rule = flag === 'country' ? 'two letters' : 'at most 64 characters';
    throw new UsageError(`--${flag} must be ${rule}`);
  }
  return text;
}

function required(flag: string, value: string | undefined): string {
  if (value === undefined || value === '') throw new UsageError(`--${flag} is required`);
  return value;
}

function keyTypeOf(text: string): KeyType {
  const match = KEY_TYPES.find((type) => type === text);
  if (match === undefined) throw new UsageError(`--key-type must be one of ${KEY_TYPES}`);
  return match;
}

function subjectDefaults(values: ParsedValues): Omit<SubjectFields, 'commonName'> {
  return {
    ...(subjectField('org', values.org) ? { organization: values.org } : {}),
    ...(subjectField('org-unit', values['org-unit'])
      ? { organizationalUnit: values['org-unit'] }
      : {}),
    ...(subjectField('country', values.country) ? { country: values.country } : {}),
  };
}

/** The password and, when we made it up, the file that records it. */
function pkcs12Password(
  values: ParsedValues,
  cwd: string,
  p12Path: string,
): { password: string; file: PlannedFile | null } {
  const passwordFile = values['p12-password-file'];
  if (passwordFile !== undefined) {
    const text = readRegularText(path.resolve(cwd, passwordFile));
    if (text instanceof Error) throw new UsageError(`${passwordFile}: ${text.message}`);
    const password = text.split(/\r?\n/)[0] ?? '';
    if (password === '') throw new UsageError(`${passwordFile}: the first line is empty`);
    return { password, file: null };
  }
  return generatedPkcs12Password(p12Path);
}

function caOptions(values: ParsedValues, keyType: KeyType) {
  const pathLen = values['path-len'];
  return {
    keyType,
    days: wholeNumber('ca-days', values['ca-days'] ?? '', 1),
    subject: { ...subjectDefaults(values), commonName: values['ca-name'] ?? '' },
    ...(pathLen === undefined ? {} : { pathLength: wholeNumber('path-len', pathLen, 0) }),
  };
}

const LEAF_TARGETS: Record<string, (out: string) => [GenerationTarget['kind'], string][]> = {
  server: (out) => [
    ['server-certificate', path.join(out, 'server.crt')],
    ['server-key', path.join(out, 'server.key')],
  ],
  backend: (out) => [
    ['backend-certificate', path.join(out, 'backend.crt')],
    ['backend-key', path.join(out, 'backend.key')],
  ],
  client: (out) => [
    ['client-certificate', path.join(out, 'client.crt')],
    ['client-key', path.join(out, 'client.key')],
    ['client-pkcs12', path.join(out, 'client.p12')],
  ],
  'proxy-client': (out) => [
    ['proxy-client-bundle', path.join(out, 'proxy-client.pem')],
    ['proxy-client-chain', path.join(out, 'proxy-client-chain.pem')],
  ],
};

async function planFiles(
  profile: string,
  values: ParsedValues,
  cwd: string,
): Promise<PlannedFile[]> {
  const out = path.resolve(cwd, required('out', values.out));
  const keyType = keyTypeOf(values['key-type'] ?? '');
  const days = wholeNumber('days', values.days ?? '', 1);
  const loadCa = () => loadIssuingCa(caPathsIn(path.resolve(cwd, required('ca', values.ca))));

  if (profile === 'seed') {
    const serverNames = values['server-name'] ?? [];
    if (serverNames.length === 0) throw new UsageError('--server-name is required');
    const p12 = pkcs12Password(values, cwd, path.join(out, 'client', 'client.p12'));
    const files = await generateSeedPki(
      out,
      {
        apacheServerNames: serverNames,
        backendHost: required('backend-host', values['backend-host']),
        clientName: required('client-name', values['client-name']),
      },
      {
        keyType,
        days,
        pkcs12Password: p12.password,
        caSubject: caOptions(values, keyType).subject,
        subjectDefaults: subjectDefaults(values),
      },
    );
    return p12.file === null ? files : [...files, p12.file];
  }
  if (profile === 'ca')
    return planCaFiles(await generateRootCa(caOptions(values, keyType)), caPathsIn(out));
  if (profile === 'intermediate') {
    const issuer = await loadCa();
    return planCaFiles(
      await generateIntermediateCa(caOptions(values, keyType), issuer),
      caPathsIn(out),
    );
  }

  const leafTargets = LEAF_TARGETS[profile];
  if (leafTargets === undefined) throw new UsageError(`unknown profile "${profile}"`);
  const names = values.name ?? [];
  if (names.length === 0) throw new UsageError('--name is required');
  const targets = leafTargets(out).map(([kind, file]) => ({ path: file, kind, names }));
  const p12 =
    profile === 'client' ? pkcs12Password(values, cwd, path.join(out, 'client.p12')) : null;
  const files = await generateForTargets(targets, await loadCa(), {
    keyType,
    days,
    subjectDefaults: subjectDefaults(values),
    ...(p12 === null ? {} : { pkcs12Password: p12.password }),
  });
  return p12?.file ? [...files, p12.file] : files;
}

function describe(file: WrittenFile): string {
  const mode = file.mode.toString(8).padStart(4, '0');
  const fingerprint =
    file.certificateSha256 === null
      ? ''
      : `\n        SHA-256 ${colonFingerprint(file.certificateSha256)}`;
  return `  ${mode}  ${file.path}  (${file.description})${fingerprint}\n`;
}

async function runGenerateFor(
  values: ParsedValues,
  positionals: string[],
  io: CliIo,
  cwd: string,
): Promise<number> {
  if (positionals.length > 0) throw new UsageError('--for takes no PROFILE');
  const generation = await planForConfig({
    config: values.for ?? '',
    manifest: values.manifest ?? null,
    keyType: keyTypeOf(values['key-type'] ?? ''),
    days: wholeNumber('days', values.days ?? '', 1),
    caDays: wholeNumber('ca-days', values['ca-days'] ?? '', 1),
    caOut: values['ca-out'] ?? null,
    cwd,
  });
  if (generation.files.length === 0) {
    io.stdout.write(`httpd-mtls generate: nothing to generate\n${describeGeneration(generation)}`);
    return 0;
  }
  const written = writePlannedFiles(generation.files);
  io.stdout.write(`httpd-mtls generate: wrote ${written.length} files\n`);
  io.stdout.write(describeGeneration(generation));
  for (const file of written) io.stdout.write(describe(file));
  return 0;
}

export async function runGenerate(argv: string[], io: CliIo): Promise<number> {
  const cwd = io.cwd ?? process.cwd();
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: OPTIONS,
      allowPositionals: true,
      strict: true,
    });
    if (values.help) {
      io.stdout.write(GENERATE_USAGE);
      return 0;
    }
    if (values.for !== undefined) return await runGenerateFor(values, positionals, io, cwd);
    if (positionals.length !== 1) throw new UsageError('name exactly one PROFILE');

    const written = writePlannedFiles(await planFiles(positionals[0]!, values, cwd));
    io.stdout.write(`httpd-mtls generate: wrote ${written.length} files\n`);
    for (const file of written) io.stdout.write(describe(file));
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof GenerateForInputError) {
      io.stderr.write(`httpd-mtls generate: ${message}\n`);
      return 2;
    }
    if (error instanceof RefusedWriteError) {
      io.stderr.write(`httpd-mtls generate: ${message}\nnothing was written\n`);
      return 1;
    }
    const usage =
      error instanceof UsageError ||
      (error instanceof TypeError &&
        'code' in error &&
        String(error.code).startsWith('ERR_PARSE_ARGS'));
    io.stderr.write(`httpd-mtls generate: ${message}\n${usage ? `\n${GENERATE_USAGE}` : ''}`);
    return 2;
  }
}
