/**
 * The server side of "Generate mTLS certificates" and of the file-missing quick fix
 * (`httpdMtls.server.generateCertificates`). Three requests, told apart by `mode`:
 * - `defaults`: names prefilled from the open config (ServerName, ServerAlias, ProxyPass
 *   host, the vhost's CA file) and a suggested folder;
 * - `seed`: the seed's whole PKI into a chosen folder, plus a WorkspaceEdit pointing the
 *   vhost's SSL file directives at the new files (the client offers to apply it);
 * - `missing-file`: exactly what one missing file needs (the quick fix).
 * Answers carry paths, modes and fingerprints only, never key material.
 */
import * as path from 'node:path';
import type { TextEdit, WorkspaceEdit } from 'vscode-languageserver';
import type { CheckResult } from '../engine';
import {
  generateSeedPki,
  generatedPkcs12Password,
  type KeyType,
  type PlannedFile,
} from '../pki/generate';
import type { PkiStore } from '../pki/types';
import type { FileRef, VirtualHostModel } from '../model/types';
import { generateForConfig } from './generate-for-config';
import { vhostNames } from './generate-plan';

export interface GenerateDefaults {
  serverNames: string[];
  backendHost: string;
  clientName: string;
  /** Local path of the vhost's SSLCACertificateFile, or null. */
  caFile: string | null;
  folder: string;
}

export interface GenerateAnswer {
  message: string;
  written: { path: string; mode: number; description: string }[];
  /** For `seed`: the edit pointing the config at the new files (the client asks first). */
  edit?: WorkspaceEdit;
  defaults?: GenerateDefaults;
}

/** The checked config plus what the generator needs from the server. */
export interface GenerateContext {
  uri: string;
  check: CheckResult;
  workspaceRoot: string;
  pki: PkiStore;
  /** `writePlannedFiles`, injected so this layer does not write. */
  write: (files: PlannedFile[]) => { path: string; mode: number; description: string }[];
}

/** The vhost with TLS on that the user most likely means: the first with a certificate. */
function mainVhost(check: CheckResult): VirtualHostModel {
  const { vhosts, main } = check.topology;
  return vhosts.find((vhost) => vhost.tls.certificateFiles.length > 0) ?? vhosts[0] ?? main;
}

export function defaultsFor(context: GenerateContext): GenerateDefaults {
  const vhost = mainVhost(context.check);
  const backend = vhost.routes.find((route) => route.tls) ?? vhost.routes[0];
  return {
    serverNames: vhostNames(vhost),
    backendHost: backend?.host ?? 'backend.localhost',
    clientName: 'client.localhost',
    caFile: vhost.tls.caCertificateFile?.localPath ?? null,
    folder: path.join(context.workspaceRoot, 'mtls-certs'),
  };
}

function quoted(value: string): string {
  return /[\s"]/.test(value) ? `"${value.replace(/(["\\])/g, '\\$1')}"` : value;
}

/** Edits replacing each SSL file directive's path in `vhost` with the new file's path. */
export function pointConfigAt(vhost: VirtualHostModel, folder: string): WorkspaceEdit {
  const tls = vhost.tls;
  const routeRefs = vhost.routes.map((route) => route.proxyTls);
  const wanted: [FileRef | null | undefined, string][] = [
    [tls.certificateFiles[0], path.join(folder, 'apache', 'server.crt')],
    [tls.keyFiles[0], path.join(folder, 'apache', 'server.key')],
    [tls.caCertificateFile, path.join(folder, 'ca', 'ca.crt')],
    ...routeRefs.map((proxy): [FileRef | null, string] => [
      proxy.caCertificateFile,
      path.join(folder, 'ca', 'ca.crt'),
    ]),
    ...routeRefs.map((proxy): [FileRef | null, string] => [
      proxy.machineCertificateFile,
      path.join(folder, 'apache', 'proxy-client.pem'),
    ]),
  ];
  const changes: Record<string, TextEdit[]> = {};
  const seen = new Set<string>();
  for (const [ref, target] of wanted) {
    const arg = ref?.directive.args[ref.argIndex];
    if (ref === null || ref === undefined || arg === undefined) continue;
    const key = `${ref.directive.file}:${arg.range.start.line}:${arg.range.start.character}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const uri = `file://${ref.directive.file}`;
    (changes[uri] ??= []).push({ range: arg.range, newText: quoted(target) });
  }
  return { changes };
}

export async function generateSeed(
  context: GenerateContext,
  folder: string,
  keyType: KeyType,
  names: GenerateDefaults,
): Promise<GenerateAnswer> {
  const secret = generatedPkcs12Password(path.join(folder, 'client', 'client.p12'));
  const password = secret.password;
  const files = await generateSeedPki(
    folder,
    {
      apacheServerNames: names.serverNames,
      backendHost: names.backendHost,
      clientName: names.clientName,
    },
    { keyType, days: 365, pkcs12Password: password },
  );
  files.push(secret.file);
  const written = context.write(files);
  return {
    message: `wrote ${written.length} files under ${folder}`,
    written,
    edit: pointConfigAt(mainVhost(context.check), folder),
  };
}

export async function generateMissing(
  context: GenerateContext,
  localPath: string,
  keyType: KeyType,
): Promise<GenerateAnswer> {
  const generation = await generateForConfig(context.check.topology, context.check.findings, {
    keyType,
    days: 365,
    caDays: 3650,
    workspaceRoot: context.workspaceRoot,
    caFolder: path.join(context.workspaceRoot, 'httpd-mtls-ca'),
    only: localPath,
    pki: context.pki,
  });
  if (generation.files.length === 0) {
    const reason = generation.plan.skipped[0]?.reason ?? 'nothing is missing there any more';
    return { message: `${localPath} not generated: ${reason}`, written: [] };
  }
  const written = context.write(generation.files);
  const signer =
    generation.signer?.kind === 'existing'
      ? `signed by ${generation.signer.paths.certificate}`
      : `signed by a new CA ${generation.signer?.paths.certificate ?? ''}`;
  return { message: `wrote ${written.map((file) => file.path).join(', ')} (${signer})`, written };
}
