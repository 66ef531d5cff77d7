/**
 * What to generate for a config's missing certificate files: a pure function over the
 * topology and the `file-missing` findings that carry `data.fix === 'generate-file'`.
 * Each missing path becomes one generation target named after the vhost that uses it
 * (ServerName + ServerAlias for its own certificate, ServerName for the proxy-client bundle).
 * Nothing here reads or writes files; `generate-for-config.ts` does that.
 */
import type { DirectiveNode } from '../config/types';
import type { Finding } from '../findings';
import type { FileRef, Topology, VirtualHostModel } from '../model/types';
import type { TargetKind } from '../pki/generate/targets';

/** The fields `file-rules.ts` puts in `data` for the generate-file fix. */
export interface MissingFile {
  /** Directive name as written, e.g. `SSLCertificateFile`. */
  directive: string;
  deployedPath: string;
  /** Where the file goes on this machine (after path mapping). */
  localPath: string;
  /** The finding the fix is for (file and range of the path argument). */
  finding: Finding;
}

export interface PlannedTarget {
  /** Local path to write. */
  path: string;
  kind: TargetKind;
  names: string[];
  /** Directives that name this path (one path may serve several, e.g. both CA files). */
  directives: string[];
  /** The vhost the names came from; null when no vhost uses the directive. */
  vhost: VirtualHostModel | null;
}

export interface SkippedFile {
  missing: MissingFile;
  reason: string;
}

export interface GenerationPlan {
  targets: PlannedTarget[];
  skipped: SkippedFile[];
  /** Vhosts with a target, for choosing the signing CA they already trust. */
  vhosts: VirtualHostModel[];
}

/** Name used when a vhost has no ServerName (Apache would use the machine's hostname). */
export const FALLBACK_SERVER_NAME = 'localhost';

function missingAt(findings: Finding[], localPath: string): MissingFile {
  return missingFilesOf(findings).find((missing) => missing.localPath === localPath)!;
}

/** The generate-file fixes among `findings`. */
export function missingFilesOf(findings: Finding[]): MissingFile[] {
  const missing: MissingFile[] = [];
  for (const finding of findings) {
    const data = finding.data;
    if (finding.rule !== 'file-missing' || data?.fix !== 'generate-file') continue;
    if (data.isDirectory === true) continue;
    const { directive, deployedPath, localPath } = data;
    if (
      typeof directive !== 'string' ||
      typeof deployedPath !== 'string' ||
      typeof localPath !== 'string'
    )
      continue;
    missing.push({ directive, deployedPath, localPath, finding });
  }
  return missing;
}

/** ServerName first, then each ServerAlias, without duplicates or wildcards-only names. */
export function vhostNames(vhost: VirtualHostModel | null): string[] {
  const names = [vhost?.serverName.value ?? FALLBACK_SERVER_NAME, ...(vhost?.serverAliases ?? [])];
  return [...new Set(names.map((name) => name.toLowerCase()))];
}

function kindFor(directive: string): TargetKind | null {
  switch (directive.toLowerCase()) {
    case 'sslcertificatefile':
      return 'server-certificate';
    case 'sslcertificatekeyfile':
      return 'server-key';
    case 'sslcacertificatefile':
    case 'sslproxycacertificatefile':
      return 'ca-certificate';
    case 'sslproxymachinecertificatefile':
      return 'proxy-client-bundle';
    default:
      return null;
  }
}

function fileRefsOf(vhost: VirtualHostModel): FileRef[] {
  const tls = vhost.tls;
  const refs: (FileRef | null)[] = [
    ...tls.certificateFiles,
    ...tls.keyFiles,
    tls.caCertificateFile,
  ];
  for (const route of vhost.routes) {
    refs.push(route.proxyTls.caCertificateFile, route.proxyTls.machineCertificateFile);
  }
  return refs.filter((ref): ref is FileRef => ref !== null);
}

function sameDirective(a: DirectiveNode, finding: Finding): boolean {
  const arg = a.args[0];
  return (
    a.file === finding.file &&
    arg !== undefined &&
    arg.range.start.line === finding.range.start.line &&
    arg.range.start.character === finding.range.start.character
  );
}

/** The vhost whose effective settings use the directive of `finding` (first one wins). */
export function vhostOf(topology: Topology, finding: Finding): VirtualHostModel | null {
  for (const vhost of [...topology.vhosts, topology.main]) {
    if (fileRefsOf(vhost).some((ref) => sameDirective(ref.directive, finding))) return vhost;
  }
  // A directive in a vhost that no route or setting picked up still belongs to that vhost.
  const line = finding.range.start.line;
  return (
    topology.vhosts.find(
      (vhost) =>
        vhost.section !== null &&
        vhost.section.file === finding.file &&
        line > vhost.section.range.start.line &&
        line <= vhost.section.range.end.line,
    ) ?? null
  );
}

/** Why a server certificate or key target cannot be generated alone, or null. */
function pairProblem(target: PlannedTarget, planned: Set<string>): string | null {
  const tls = target.vhost?.tls;
  if (tls === undefined) return null;
  if (target.kind === 'server-certificate') {
    if (tls.keyFiles.length === 0) {
      return 'no SSLCertificateKeyFile: the key would have to be in the certificate file';
    }
    if (tls.keyFiles.some((ref) => !planned.has(ref.localPath))) {
      return 'its SSLCertificateKeyFile exists; a new certificate would not match that key';
    }
  }
  if (
    target.kind === 'server-key' &&
    tls.certificateFiles.some((ref) => !planned.has(ref.localPath))
  ) {
    return 'its SSLCertificateFile exists; a new key would not match that certificate';
  }
  return null;
}

/**
 * Plans one target per missing local path. `only` restricts the plan to the finding(s) at
 * that local path (the quick fix), plus the missing other half of a server certificate/key
 * pair. A path wanted as two different kinds is skipped.
 */
export function planMissingFiles(
  topology: Topology,
  findings: Finding[],
  only: string | null = null,
): GenerationPlan {
  const byPath = new Map<string, PlannedTarget>();
  const skipped: SkippedFile[] = [];
  const conflicts = new Set<string>();
  for (const missing of missingFilesOf(findings)) {
    const kind = kindFor(missing.directive);
    if (kind === null) {
      skipped.push({ missing, reason: `${missing.directive} files are not generated` });
      continue;
    }
    const vhost = vhostOf(topology, missing.finding);
    const names =
      kind === 'proxy-client-bundle'
        ? vhostNames(vhost).slice(0, 1)
        : kind === 'ca-certificate'
          ? []
          : vhostNames(vhost);
    const existing = byPath.get(missing.localPath);
    if (existing === undefined) {
      byPath.set(missing.localPath, {
        path: missing.localPath,
        kind,
        names,
        directives: [missing.directive],
        vhost,
      });
    } else if (existing.kind === kind) {
      existing.directives.push(missing.directive);
    } else {
      conflicts.add(missing.localPath);
      skipped.push({ missing, reason: `${missing.localPath} is also used as ${existing.kind}` });
    }
  }
  for (const path of conflicts) byPath.delete(path);

  const planned = new Set(byPath.keys());
  const targets: PlannedTarget[] = [];
  for (const target of byPath.values()) {
    const problem = pairProblem(target, planned);
    if (problem === null) targets.push(target);
    else skipped.push({ missing: missingAt(findings, target.path), reason: problem });
  }
  const chosen = only === null ? targets : withPartners(targets, only);
  const chosenSkips =
    only === null ? skipped : skipped.filter((skip) => skip.missing.localPath === only);
  return { targets: chosen, skipped: chosenSkips, vhosts: vhostsOf(chosen) };
}

/** The target at `only`, plus the other half of a server certificate/key pair. */
function withPartners(targets: PlannedTarget[], only: string): PlannedTarget[] {
  const target = targets.find((candidate) => candidate.path === only);
  if (target === undefined) return [];
  const pair = new Set<TargetKind>(['server-certificate', 'server-key']);
  if (!pair.has(target.kind)) return [target];
  return targets.filter(
    (candidate) =>
      candidate === target || (pair.has(candidate.kind) && candidate.vhost === target.vhost),
  );
}

function vhostsOf(targets: PlannedTarget[]): VirtualHostModel[] {
  return [
    ...new Set(
      targets
        .map((target) => target.vhost)
        .filter((vhost): vhost is VirtualHostModel => vhost !== null),
    ),
  ];
}
