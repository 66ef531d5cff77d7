/**
 * Apache -> backend for every TLS proxy route: SSLProxyEngine in the route's effective scope,
 * a CA to verify the backend, the chain depth, the name mod_ssl checks (ProxyPreserveHost moves
 * it to the client's Host) and, for known backends, whether their certificate verifies.
 */
import type { Finding } from '../findings';
import type { ProxyRoute, VirtualHostModel } from '../model/types';
import { apacheDepthAccepts, buildChain } from '../pki/chain';
import { apacheNameMatches } from '../pki/host-match';
import { validityFindings } from './cert-checks';
import { atArgument, atDirective, blockLocation } from './finding-helpers';
import { checkedName, isIpLiteral, nameCheckMode, type NameCheck } from './peer-name';
import { depthNeededByStore, knownBackendFor, loadPeerChain, type PeerChain } from './peer-chains';
import { proxyTrustStore } from './proxy-trust';
import { unhashedCaPath, type TrustStore } from './trust-store';
import type { RuleContext, RuleFamily } from './types';

const FAIL_500 = 'every proxied request gets 500 (Error during SSL Handshake with remote server)';

export const proxyRules: RuleFamily = {
  server(ctx, vhost) {
    return vhost.routes.flatMap((route) => (route.tls ? checkRoute(ctx, vhost, route) : []));
  },
};

function checkRoute(ctx: RuleContext, vhost: VirtualHostModel, route: ProxyRoute): Finding[] {
  const tls = route.proxyTls;
  if (!tls.engine.value) {
    return [
      atArgument(
        'proxy-engine-missing',
        route.directive,
        route.urlArgIndex,
        `${route.url} is a TLS backend but SSLProxyEngine is not on for it: every proxied ` +
          'request gets 500 (AH00961 failed to enable ssl support, AH01961).',
        { data: { fix: 'add-proxy-engine', url: route.url } },
      ),
    ];
  }

  const findings: Finding[] = [];
  const verifying = tls.verify.value !== 'none';
  const verifyDirective = tls.verify.directive;
  // optional_no_ca accepts a backend no CA vouches for: no CA file is then no failure.
  const needsCa = verifying && tls.verify.value !== 'optional_no_ca';
  if (needsCa && verifyDirective && !tls.caCertificateFile && !tls.caCertificatePath) {
    findings.push(
      atDirective(
        'proxy-ca-missing',
        verifyDirective,
        `SSLProxyVerify ${tls.verify.value} without SSLProxyCACertificateFile or ` +
          `SSLProxyCACertificatePath: httpd warns AH01897 and ${FAIL_500}; ` +
          'the system CA store is ' +
          'never used.',
      ),
    );
  }
  const caPath = tls.caCertificatePath;
  if (needsCa && !tls.caCertificateFile && caPath && unhashedCaPath(ctx.pki, caPath)) {
    findings.push(
      atDirective(
        'proxy-ca-missing',
        caPath.directive,
        `${caPath.deployedPath} has certificates but no hash links (<hash>.0): OpenSSL finds ` +
          `none of them, so no backend verifies: ${FAIL_500}. Run openssl rehash on the folder.`,
      ),
    );
  }

  const store = proxyTrustStore(ctx, tls);
  const backend = knownBackendFor(ctx, route);
  const candidate = backend?.certificate
    ? loadPeerChain(ctx, backend.certificate, backend.discovered ?? false)
    : null;
  // A certificate merely found in the workspace counts only if Apache would trust it.
  const noCa = tls.verify.value === 'optional_no_ca';
  const chain =
    candidate?.discovered && !chainVerifies(ctx, store, candidate, noCa) ? null : candidate;
  if (verifying && !store.incomplete && store.certificates.length > 0) {
    findings.push(...chainFindings(ctx, route, store, chain));
  }
  findings.push(...identityFindings(ctx, vhost, route, chain));
  if (
    backend?.requireClientCertificate &&
    !tls.machineCertificateFile &&
    !tls.machineCertificatePath
  ) {
    findings.push(
      atArgument(
        'proxy-client-missing',
        route.directive,
        route.urlArgIndex,
        `${route.url} requires a client certificate and no SSLProxyMachineCertificateFile is set ` +
          'for it: httpd logs AH02268 and the backend rejects the proxy (502).',
      ),
    );
  }
  return findings;
}

function chainFindings(
  ctx: RuleContext,
  route: ProxyRoute,
  store: TrustStore,
  chain: PeerChain | null,
): Finding[] {
  const tls = route.proxyTls;
  const depth = tls.verifyDepth;
  const depthTarget = depth.directive ?? tls.verify.directive ?? route.directive;
  const depthFix = (needed: number) => ({
    fix: 'set-depth',
    directive: 'SSLProxyVerifyDepth',
    depth: needed,
  });

  if (!chain) {
    const needed = depthNeededByStore(store, ctx.at);
    if (!needed || apacheDepthAccepts(needed.depth + 1, depth.value)) return [];
    return [
      atDirective(
        'proxy-verify-depth',
        depthTarget,
        `Backends issued by ${needed.via.value.subject} present a chain of ${needed.depth + 1} ` +
          `certificates, which needs SSLProxyVerifyDepth ${needed.depth}; it is ${depth.value}: ` +
          `httpd fails the handshake with AH02040 and ${FAIL_500}.`,
        {
          related: [blockLocation(needed.via.file, needed.via.block, needed.via.value.subject)],
          data: depthFix(needed.depth),
        },
      ),
    ];
  }

  const leaf = chain.leaf;
  const related = [
    blockLocation(leaf.file, leaf.block, `backend certificate: ${leaf.value.subject}`),
  ];
  const built = buildChain(
    leaf.value,
    [...chain.rest, ...store.certificates.map((c) => c.value)],
    store.roots.map((r) => r.value),
    { at: ctx.at, purpose: 'sslserver', noCaAccepted: tls.verify.value === 'optional_no_ca' },
  );
  // Validity errors are cert-expired's to report (identityFindings); any other error fails here.
  const timeError = built.error !== null && /expired|not yet valid/.test(built.error);
  if (!built.trusted || (built.error !== null && !timeError)) {
    return [
      atArgument(
        'backend-untrusted',
        route.directive,
        route.urlArgIndex,
        `The certificate of ${route.url} (${leaf.value.subject}) does not verify under ` +
          `SSLProxyCACertificateFile: ${built.error ?? 'no chain to a trusted root'}; ${FAIL_500}.`,
        { related },
      ),
    ];
  }
  if (apacheDepthAccepts(built.certificates.length, depth.value)) return [];
  const needed = built.certificates.length - 1;
  return [
    atDirective(
      'proxy-verify-depth',
      depthTarget,
      `The backend ${route.url} presents a chain of ${built.certificates.length} certificates, ` +
        `which needs SSLProxyVerifyDepth ${needed}; it is ${depth.value}` +
        `${depth.directive ? '' : ' (the default)'}: AH02040 and ${FAIL_500}.`,
      { related, data: depthFix(needed) },
    ),
  ];
}

function chainVerifies(
  ctx: RuleContext,
  store: TrustStore,
  chain: PeerChain,
  noCa: boolean,
): boolean {
  const pool = [...chain.rest, ...store.certificates.map((c) => c.value)];
  const anchors = store.roots.map((r) => r.value);
  const built = buildChain(chain.leaf.value, pool, anchors, {
    at: ctx.at,
    purpose: 'sslserver',
    noCaAccepted: noCa,
  });
  return built.trusted && built.error === null;
}

function identityFindings(
  ctx: RuleContext,
  vhost: VirtualHostModel,
  route: ProxyRoute,
  chain: PeerChain | null,
): Finding[] {
  const tls = route.proxyTls;
  const findings: Finding[] = [];
  const mode = nameCheckMode(tls, ctx.apacheVersion);
  const name = checkedName(vhost, route);

  if (mode === 'none' || tls.verify.value === 'none') {
    const cause =
      mode === 'none'
        ? tls.checkPeerName.value === false
          ? tls.checkPeerName.directive
          : tls.checkPeerCN.directive
        : tls.verify.directive;
    const what =
      mode === 'none' && tls.verify.value === 'none'
        ? 'neither the backend name nor its chain is checked'
        : mode === 'none'
          ? "the backend's name is not checked (any certificate from a trusted CA is accepted)"
          : "the backend's chain is not verified (SSLProxyVerify none)";
    findings.push(
      atDirective('proxy-peer-unchecked', cause ?? route.directive, `For ${route.url} ${what}.`),
    );
  }

  if (mode !== 'none' && name) {
    if (mode === 'name' && !name.fromClientHost && isIpLiteral(name.hostname)) {
      const matches = chain ? apacheNameMatches(chain.leaf.value, name.hostname) : false;
      if (!matches) {
        findings.push(
          atArgument(
            'proxy-peer-ip',
            route.directive,
            route.urlArgIndex,
            `${route.url} addresses the backend by IP with the name check on: mod_ssl ignores IP ` +
              `SANs, so unless a DNS SAN or CN literally reads ${name.hostname}, ${FAIL_500} ` +
              '(AH02411). Use a host name.',
            // With the backend's certificate known, the failure is certain, not just likely.
            chain ? { severity: 'error' } : {},
          ),
        );
      }
    } else if (chain) {
      const cert = chain.leaf.value;
      const covers = (host: string): boolean =>
        mode === 'name'
          ? apacheNameMatches(cert, host)
          : (cert.commonNames[0] ?? '').toLowerCase() === host;
      if (!covers(name.hostname)) {
        findings.push(peerNameFinding(route, name, cert.subject, chain, { mode }));
      } else if (name.fromClientHost) {
        // A client may send any ServerAlias as Host: requests for it are checked against it.
        const alias = vhost.serverAliases.find((a) => !/[*?]/.test(a) && !covers(a));
        if (alias !== undefined) {
          const aliasName = { hostname: alias, fromClientHost: true };
          findings.push(
            peerNameFinding(route, aliasName, cert.subject, chain, { mode, alias: true }),
          );
        }
      }
    }
  }

  // With SSLProxyVerify on, OpenSSL itself fails an expired or not yet valid backend
  // (AH02276) whatever SSLProxyCheckPeerExpire says; with none, only mod_ssl's check does.
  const verifying = tls.verify.value !== 'none';
  if (chain && (verifying || tls.checkPeerExpire.value !== false)) {
    const ref = routeRef(route);
    const ah = verifying ? 'AH02276 verification error, AH02003' : 'AH02004';
    findings.push(...validityFindings(ctx, ref, chain.leaf, `${FAIL_500} (${ah})`));
  }
  return findings;
}

function peerNameFinding(
  route: ProxyRoute,
  name: { hostname: string; fromClientHost: boolean },
  subject: string,
  chain: PeerChain,
  how: { mode: NameCheck; alias?: boolean },
): Finding {
  // SSLProxyCheckPeerCN alone compares the subject's CN, nothing else (AH02005).
  const mismatch = how.mode === 'legacy-cn' ? 'AH02005' : 'AH02411';
  const related = [
    blockLocation(chain.leaf.file, chain.leaf.block, `backend certificate: ${subject}`),
  ];
  const preserve = route.preserveHost.directive;
  if (name.fromClientHost && preserve) {
    const consequence = how.alias
      ? `${mismatch} and 500 for every request that uses the ServerAlias ${name.hostname}`
      : `${mismatch} and ${FAIL_500}`;
    return atDirective(
      'proxy-peer-name',
      preserve,
      `ProxyPreserveHost On makes mod_ssl check the backend certificate (${subject}) against the ` +
        `client's Host, ${name.hostname}, which it does not cover: ${consequence}. ` +
        `Turn ProxyPreserveHost off or put ${name.hostname} in the backend certificate.`,
      { related, data: { fix: 'peer-name', hostname: name.hostname, backendHost: route.host } },
    );
  }
  return atArgument(
    'proxy-peer-name',
    route.directive,
    route.urlArgIndex,
    how.mode === 'legacy-cn'
      ? `The backend certificate's CN (${subject}) is not ${name.hostname}, and ` +
          `SSLProxyCheckPeerCN compares the CN alone: ${mismatch} and ${FAIL_500}.`
      : `The backend certificate (${subject}) does not cover ${name.hostname}: ` +
          `${mismatch} and ${FAIL_500}.`,
    { related, data: { fix: 'peer-name', hostname: name.hostname, backendHost: route.host } },
  );
}

/** Findings about a backend certificate sit on the route's URL argument. */
function routeRef(route: ProxyRoute) {
  return {
    deployedPath: route.url,
    localPath: route.url,
    directive: route.directive,
    argIndex: route.urlArgIndex,
  };
}
