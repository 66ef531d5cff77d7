/**
 * `--live`: confirms the predicted hops with real TLS handshakes (verify-tls-probe.ts) and puts
 * each result beside the prediction. Probes go only to the hosts and ports the config names,
 * or to explicit loopback overrides (tests).
 */
import * as fs from 'node:fs';
import * as tls from 'node:tls';
import type { ProxyRoute, Topology, VirtualHostModel } from '../model/types';
import { apacheDepthAccepts } from '../pki/chain';
import { analyzeMachineBundle } from '../pki/machine-bundle';
import { createPkiStore } from '../pki/store';
import type { Located, PemBlock } from '../pki/types';
import { vhostLabel } from '../rules/finding-helpers';
import { checkedName, isIpLiteral, nameCheckMode } from '../rules/peer-name';
import type { KnownPeers } from '../rules/types';
import { isLoopback, probe, type Endpoint, type ProbeOutcome } from './verify-tls-probe';
import type { LiveResult, VerifyHop, VerifyReport } from './verify-types';

export interface LiveOverrides {
  /** Where to reach the vhost instead of ServerName:port. */
  connect: Endpoint | null;
  /** Backend URL as written in the config -> where to reach it instead. */
  backends: Map<string, Endpoint>;
}

export interface LiveOptions {
  peers?: KnownPeers;
  apacheVersion?: string;
  opensslVersion?: string;
  timeoutMs?: number;
}

/** `HOST:PORT` (or `[::1]:PORT`) that must name a loopback address; throws otherwise. */
export function parseConnectOverride(text: string): Endpoint {
  const match = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(text);
  const port = match ? Number(match[2]) : 0;
  if (!match || port < 1 || port > 65535) throw new Error(`expected HOST:PORT, not "${text}"`);
  const host = match[1]!.replace(/^\[|\]$/g, '');
  if (!isLoopback(host)) throw new Error(`${host} is not a loopback address`);
  return { host, port };
}

/** Runs the probes for every report and sets `live` on its hops (mutates `reports`). */
export async function addLiveResults(
  reports: VerifyReport[],
  checked: { topology: Topology },
  options: LiveOptions,
  overrides: LiveOverrides,
): Promise<void> {
  const vhosts = checked.topology.servers;
  for (const report of reports) {
    const vhost = vhosts.find((v) => vhostLabel(v.serverName.value, v.port) === report.vhost);
    if (!vhost) continue;
    try {
      await liveClientHops(report, vhost, options, overrides);
    } catch (error) {
      for (const hop of report.hops) {
        if (hop.kind !== 'apache-to-backend') hop.live = judge(hop, unreadable(error));
      }
    }
    for (const hop of report.hops) {
      if (hop.kind !== 'apache-to-backend') continue;
      const route = vhost.routes.find((r) => r.url === hop.url);
      if (!route) continue;
      const result = await backendProbe(vhost, route, options, overrides).catch(unreadable);
      hop.live = judge(hop, result);
    }
  }
}

type Probed = Omit<LiveResult, 'disagrees'>;

/** A certificate or key file the probe needs could not be read (the message names the path). */
function unreadable(error: unknown): Probed {
  const reason = error instanceof Error ? error.message : String(error);
  return { status: 'skipped', detail: `not probed: ${reason}`, endpoint: '-' };
}

function judge(hop: VerifyHop, result: Probed): LiveResult {
  const disagrees =
    result.status !== 'skipped' &&
    hop.status !== 'unknown' &&
    (result.status === 'pass') !== (hop.status === 'pass');
  return { ...result, disagrees };
}

async function liveClientHops(
  report: VerifyReport,
  vhost: VirtualHostModel,
  options: LiveOptions,
  overrides: LiveOverrides,
): Promise<void> {
  const serverName = vhost.serverName.value;
  const endpoint = overrides.connect ?? vhostEndpoint(vhost);
  const clientHop = report.hops.find((h) => h.kind === 'client-to-apache');
  const identityHop = report.hops.find((h) => h.kind === 'apache-identity');
  const where = endpoint ? `${endpoint.host}:${endpoint.port}` : '-';
  if (endpoint === null) {
    const skipped: Probed = { status: 'skipped', detail: 'no host to connect to', endpoint: where };
    if (clientHop) clientHop.live = judge(clientHop, skipped);
    if (identityHop) identityHop.live = judge(identityHop, skipped);
    return;
  }
  const client = (options.peers?.clients ?? []).find((c) => c.key !== undefined);
  const request = { endpoint, serverName, timeoutMs: options.timeoutMs ?? 5000 };
  const outcome = client
    ? await probe({
        ...request,
        cert: fs.readFileSync(client.certificate, 'utf8'),
        key: fs.readFileSync(client.key!, 'utf8'),
      })
    : await probe(request);
  if (clientHop) {
    const result: Probed = !client
      ? { status: 'skipped', detail: 'no known client with a key', endpoint: where }
      : outcome.answered
        ? { status: 'pass', detail: `Apache answered: ${outcome.statusLine}`, endpoint: where }
        : { status: 'fail', detail: `rejected: ${outcome.error}`, endpoint: where };
    clientHop.live = judge(clientHop, result);
  }
  if (identityHop) identityHop.live = judge(identityHop, identityResult(outcome, vhost, where));
}

function identityResult(outcome: ProbeOutcome, vhost: VirtualHostModel, where: string): Probed {
  const leaf = outcome.peerChain[0];
  if (!outcome.handshake || !leaf) {
    return { status: 'fail', detail: `no handshake: ${outcome.error}`, endpoint: where };
  }
  const name = vhost.serverName.value;
  const nameError = name === null ? undefined : tls.checkServerIdentity(name, leaf);
  const served = leaf.subject ? `served CN=${leaf.subject.CN ?? '?'}` : 'served a certificate';
  // One leaf per SSLCertificateFile (an RSA and an ECDSA one may both be configured).
  const store = createPkiStore();
  const expected = vhost.tls.certificateFiles.flatMap((ref) => {
    const first = store.load(ref.localPath).certificates[0];
    return first ? [first.value.sha256] : [];
  });
  const fingerprint = leaf.fingerprint256.replace(/:/g, '').toUpperCase();
  if (expected.length > 0 && !expected.includes(fingerprint)) {
    const detail = `${served}, not the certificate SSLCertificateFile names`;
    return { status: 'fail', detail, endpoint: where };
  }
  return nameError
    ? { status: 'fail', detail: `${served}; ${nameError.message}`, endpoint: where }
    : { status: 'pass', detail: `${served}, covers ${name ?? 'no ServerName'}`, endpoint: where };
}

/** The vhost's own address if it names one, else ServerName, at the vhost's port. */
function vhostEndpoint(vhost: VirtualHostModel): Endpoint | null {
  const address = vhost.addresses[0]?.replace(/:\d+$/, '');
  const host =
    address && address !== '*' && address !== '_default_' ? address : vhost.serverName.value;
  return host && vhost.port ? { host, port: vhost.port } : null;
}

async function backendProbe(
  vhost: VirtualHostModel,
  route: ProxyRoute,
  options: LiveOptions,
  overrides: LiveOverrides,
): Promise<Probed> {
  const endpoint = overrides.backends.get(route.url) ?? { host: route.host, port: route.port };
  const where = `${endpoint.host}:${endpoint.port}`;
  const proxyTls = route.proxyTls;
  const name = checkedName(vhost, route);
  const pair = machinePair(route, options);
  const ca = proxyTls.caCertificateFile
    ? fs.readFileSync(proxyTls.caCertificateFile.localPath, 'utf8')
    : undefined;
  const outcome = await probe({
    endpoint,
    serverName: name && !isIpLiteral(name.hostname) ? name.hostname : null,
    ...(pair ?? {}),
    ...(ca === undefined ? {} : { ca }),
    timeoutMs: options.timeoutMs ?? 5000,
  });
  if (!outcome.handshake) {
    return { status: 'fail', detail: `no handshake: ${outcome.error}`, endpoint: where };
  }
  const problems: string[] = [];
  const verifying = proxyTls.verify.value === 'require' || proxyTls.verify.value === 'optional';
  if (verifying && outcome.authorizationError !== null) {
    problems.push(`backend certificate does not verify: ${outcome.authorizationError}`);
  }
  const length = outcome.peerChain.length;
  if (verifying && length > 0 && !apacheDepthAccepts(length, proxyTls.verifyDepth.value)) {
    problems.push(
      `backend chain has ${length} certificates, SSLProxyVerifyDepth ${proxyTls.verifyDepth.value}`,
    );
  }
  const mode = nameCheckMode(proxyTls, options.apacheVersion ?? '2.4.71');
  const leaf = outcome.peerChain[0];
  if (mode !== 'none' && name !== null && leaf) {
    const error = tls.checkServerIdentity(name.hostname, leaf);
    if (error) problems.push(`name ${name.hostname}: ${error.message}`);
  }
  if (!outcome.answered) problems.push(`backend rejected Apache's client: ${outcome.error}`);
  if (problems.length > 0) return { status: 'fail', detail: problems.join('; '), endpoint: where };
  return { status: 'pass', detail: `backend answered: ${outcome.statusLine}`, endpoint: where };
}

/** PEM texts of the first cert/key pair Apache loads from the machine bundle; null if none. */
function machinePair(
  route: ProxyRoute,
  options: LiveOptions,
): { cert: string; key: string } | null {
  const ref = route.proxyTls.machineCertificateFile;
  if (!ref) return null;
  const file = createPkiStore().load(ref.localPath);
  const analysis = analyzeMachineBundle(file, {
    apacheVersion: options.apacheVersion ?? '2.4.71',
    opensslVersion: options.opensslVersion ?? '3.0',
  });
  const entry = analysis.pairs[0];
  if (!entry?.cert || !entry.key) return null;
  const bytes = fs.readFileSync(ref.localPath);
  const text = (located: Located<unknown>) => blockText(bytes, located.block);
  return { cert: text(entry.cert), key: text(entry.key) };
}

function blockText(bytes: Buffer, block: PemBlock): string {
  return `${bytes.subarray(block.offset.start, block.offset.end).toString('utf8')}\n`;
}
