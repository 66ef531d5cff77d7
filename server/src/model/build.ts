/**
 * Builds the TLS topology Apache would run: per vhost the merged server TLS settings
 * (vhost over main server), and per proxy route the backend TLS settings of its effective
 * scope (main server -> vhost -> every matching <Proxy>/<ProxyMatch>), Apache defaults included.
 */
import { resolveServerPath } from '../config/paths';
import type { ConfigNode, DirectiveNode, LoadedConfig, SectionNode } from '../config/types';
import { collectScopes, isVirtualHost, lastOf, allOf, vhostScope, type RawScope } from './scopes';
import { changedPositions } from '../positions';
import { collectRoutes } from './routes';
import { readDepth, readFlag, readVerifyMode } from './settings-scope';
import type {
  FileRef,
  ProxyTls,
  ServerTls,
  Setting,
  Topology,
  VerifyMode,
  VirtualHostModel,
} from './types';
import { parseListeners, vhostPort } from './listeners';
import { compareVersions } from '../versions';
import { sameItems } from '../same-items';

export interface ModelOptions {
  /** Target httpd version, e.g. `2.4.71`. */
  apacheVersion: string;
  /** Models kept from earlier builds of the same config (the language server keeps one). */
  cache?: TopologyCache;
}

/**
 * What every vhost model is built from besides its own section: the main server's scope and
 * merged settings, the Listen protocols, and how paths resolve. Built anew only when one of
 * those changed, so that vhost models keyed on it stay valid.
 */
interface MainContext {
  key: MainKey;
  main: VirtualHostModel;
  makeVhost: (scope: RawScope) => VirtualHostModel;
}

interface MainKey {
  scope: RawScope;
  serverRoot: string;
  pathMappings: string;
  apacheVersion: string;
}

/**
 * Vhost models from earlier builds. A model depends on its <VirtualHost> section (the loader
 * hands back the same object for unchanged text) and on the main context; when neither changed
 * the model is reused, so a re-check after one site file changed rebuilds one vhost.
 */
export class TopologyCache {
  private context: MainContext | null = null;
  private readonly vhosts = new WeakMap<
    SectionNode,
    { context: MainContext; model: VirtualHostModel }
  >();
  /** The last build: while only <VirtualHost> sections changed, it is patched by position. */
  last: { nodes: readonly ConfigNode[]; vhostAt: number[]; topology: Topology } | null = null;

  mainContext(key: MainKey, build: () => MainContext): MainContext {
    if (this.context === null || !sameMainKey(this.context.key, key)) this.context = build();
    return this.context;
  }

  /** The main context of the last build when `key` differs from its in the main scope alone. */
  contextBesidesScope(key: Omit<MainKey, 'scope'>): MainContext | null {
    const context = this.context;
    if (context === null) return null;
    const same =
      context.key.serverRoot === key.serverRoot &&
      context.key.pathMappings === key.pathMappings &&
      context.key.apacheVersion === key.apacheVersion;
    return same ? context : null;
  }

  vhost(context: MainContext, scope: RawScope): VirtualHostModel {
    const section = scope.section as SectionNode;
    const known = this.vhosts.get(section);
    if (known !== undefined && known.context === context) return known.model;
    const model = context.makeVhost(scope);
    this.vhosts.set(section, { context, model });
    return model;
  }
}

function sameMainKey(a: MainKey, b: MainKey): boolean {
  return (
    a.serverRoot === b.serverRoot &&
    a.pathMappings === b.pathMappings &&
    a.apacheVersion === b.apacheVersion &&
    sameScope(a.scope, b.scope)
  );
}

function sameScope(a: RawScope, b: RawScope): boolean {
  const sameSections = (x: RawScope['proxies'], y: RawScope['proxies']) =>
    x.length === y.length &&
    x.every(
      (item, i) => item.section === y[i].section && sameItems(item.directives, y[i].directives),
    );
  return (
    a.section === b.section &&
    sameItems(a.directives, b.directives) &&
    sameSections(a.locations, b.locations) &&
    sameSections(a.proxies, b.proxies)
  );
}

export function buildTopology(config: LoadedConfig, options: ModelOptions): Topology {
  const cache = options.cache;
  const patched = cache === undefined ? null : patchedTopology(config, options, cache);
  if (patched !== null) return patched;
  const scopes = collectScopes(config.nodes);
  const key: MainKey = {
    scope: scopes.main,
    serverRoot: config.serverRoot,
    pathMappings: JSON.stringify(config.pathMappings),
    apacheVersion: options.apacheVersion,
  };
  const build = () => mainContext(config, key, options);
  const context = cache ? cache.mainContext(key, build) : build();
  const vhost = (scope: RawScope) =>
    cache ? cache.vhost(context, scope) : context.makeVhost(scope);
  const vhosts = scopes.vhosts.map(vhost);
  const topology = { config, main: context.main, vhosts, servers: [context.main].concat(vhosts) };
  if (cache) cache.last = { nodes: config.nodes, vhostAt: scopes.vhostAt, topology };
  return topology;
}

/**
 * The last topology with the vhosts of changed <VirtualHost> sections rebuilt, when the
 * top-level nodes differ from the last build's only there (same positions, vhost for vhost)
 * and the main server's paths and version are the same: the main scope is then unchanged
 * too. Null when that does not hold.
 */
function patchedTopology(
  config: LoadedConfig,
  options: ModelOptions,
  cache: TopologyCache,
): Topology | null {
  const last = cache.last;
  if (last === null) return null;
  const context = cache.contextBesidesScope({
    serverRoot: config.serverRoot,
    pathMappings: JSON.stringify(config.pathMappings),
    apacheVersion: options.apacheVersion,
  });
  const changed = context === null ? null : changedPositions(last.nodes, config.nodes);
  if (context === null || changed === null) return null;
  for (const index of changed) {
    if (last.vhostAt[index] < 0 || !isVirtualHost(config.nodes[index])) return null;
  }
  const vhosts = last.topology.vhosts.slice();
  for (const index of changed) {
    const section = config.nodes[index] as SectionNode;
    vhosts[last.vhostAt[index]] = cache.vhost(context, vhostScope(section));
  }
  const topology = { config, main: context.main, vhosts, servers: [context.main].concat(vhosts) };
  cache.last = { nodes: config.nodes, vhostAt: last.vhostAt, topology };
  return topology;
}

function mainContext(config: LoadedConfig, key: MainKey, options: ModelOptions): MainContext {
  const main = key.scope;
  const listeners = parseListeners(main.directives);
  const fileRef = (directive: DirectiveNode | undefined): FileRef | null => {
    const arg = directive?.args[0];
    if (!directive || !arg) return null;
    const { deployedPath, localPath } = resolveServerPath(config, arg.value);
    return { deployedPath, localPath, directive, argIndex: 0 };
  };

  const mainTls = serverTls(main, null, fileRef, options);
  const mainProxy = proxyTls(main.directives, null, fileRef);
  const mainServerName = lastOf(main.directives, 'servername');

  const makeVhost = (scope: RawScope): VirtualHostModel => {
    const addresses = scope.section ? scope.section.args.map((a) => a.value) : [];
    const port = vhostPort(addresses);
    const tls = scope.section === null ? mainTls : serverTls(scope, mainTls, fileRef, options);
    if (tls.enabled.directive === null && !tls.enabled.value) {
      // Listen ... https plus a certificate turns SSL on implicitly (2.4.34+).
      const implicit = listeners.get(port) === 'https' && tls.certificateFiles.length > 0;
      tls.enabled = { value: implicit, directive: null };
    }
    const vhostProxy =
      scope.section === null ? mainProxy : proxyTls(scope.directives, mainProxy, fileRef);
    const serverNameDirective = lastOf(scope.directives, 'servername') ?? mainServerName;
    const aliases = allOf(scope.directives, 'serveralias').flatMap((d) =>
      d.args.map((a) => a.value.toLowerCase()),
    );
    const routes = collectRoutes({
      scope,
      main,
      vhostProxy,
      proxyTlsFor: (directives, base) => proxyTls(directives, base, fileRef),
    });
    return {
      section: scope.section,
      addresses,
      port,
      serverName: {
        value: serverNameDirective ? hostOfServerName(serverNameDirective) : null,
        directive: serverNameDirective ?? null,
      },
      serverAliases: aliases,
      tls,
      routes,
    };
  };
  return { key, main: makeVhost(main), makeVhost };
}

/** `ServerName [scheme://]host[:port]` -> lowercase host. */
function hostOfServerName(directive: DirectiveNode): string | null {
  const raw = directive.args[0]?.value;
  if (!raw) return null;
  const withoutScheme = raw.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const host = withoutScheme.startsWith('[')
    ? withoutScheme.slice(0, withoutScheme.indexOf(']') + 1)
    : withoutScheme.replace(/:\d*$/, '');
  return host.toLowerCase();
}

type FileRefOf = (directive: DirectiveNode | undefined) => FileRef | null;

function setting<T>(
  directive: DirectiveNode | undefined,
  read: (d: DirectiveNode) => T | null,
  inherited: Setting<T> | undefined,
  fallback: T,
): Setting<T> {
  if (directive) {
    const value = read(directive);
    if (value !== null) return { value, directive };
  }
  return inherited ?? { value: fallback, directive: null };
}

function serverTls(
  scope: RawScope,
  parent: ServerTls | null,
  fileRef: FileRefOf,
  options: ModelOptions,
): ServerTls {
  const dirs = scope.directives;
  const own = (name: string): FileRef | null => fileRef(lastOf(dirs, name));
  const certificateFiles = allOf(dirs, 'sslcertificatefile')
    .map((d) => fileRef(d))
    .filter((f): f is FileRef => f !== null);
  const keyFiles = allOf(dirs, 'sslcertificatekeyfile')
    .map((d) => fileRef(d))
    .filter((f): f is FileRef => f !== null);
  return {
    enabled: setting(
      lastOf(dirs, 'sslengine'),
      (d) => readEngine(d, options),
      parent?.enabled,
      false,
    ),
    // mod_ssl merges index by index: vhost entries first, then the main server's extra ones.
    certificateFiles: [
      ...certificateFiles,
      ...(parent?.certificateFiles.slice(certificateFiles.length) ?? []),
    ],
    keyFiles: [...keyFiles, ...(parent?.keyFiles.slice(keyFiles.length) ?? [])],
    chainFile: own('sslcertificatechainfile') ?? parent?.chainFile ?? null,
    caCertificateFile: own('sslcacertificatefile') ?? parent?.caCertificateFile ?? null,
    caCertificatePath: own('sslcacertificatepath') ?? parent?.caCertificatePath ?? null,
    verifyClient: setting<VerifyMode>(
      lastOf(dirs, 'sslverifyclient'),
      readVerifyMode,
      parent?.verifyClient,
      'none',
    ),
    verifyDepth: setting(lastOf(dirs, 'sslverifydepth'), readDepth, parent?.verifyDepth, 1),
    revocationCheck: setting(
      lastOf(dirs, 'sslcarevocationcheck'),
      (d) => d.args.map((a) => a.value.toLowerCase()).join(' '),
      parent?.revocationCheck,
      'none',
    ),
    revocationFile: own('sslcarevocationfile') ?? parent?.revocationFile ?? null,
    revocationPath: own('sslcarevocationpath') ?? parent?.revocationPath ?? null,
    protocol: lastOf(dirs, 'sslprotocol') ?? parent?.protocol ?? null,
  };
}

/** `SSLEngine optional` is gone in 2.4.64+: TLS stays off (AH10510). */
function readEngine(directive: DirectiveNode, options: ModelOptions): boolean | null {
  const value = directive.args[0]?.value.toLowerCase();
  if (value === 'optional') return compareVersions(options.apacheVersion, '2.4.64') < 0;
  return readFlag(directive);
}

export function proxyTls(
  dirs: DirectiveNode[],
  parent: ProxyTls | null,
  fileRef: FileRefOf,
): ProxyTls {
  const own = (name: string): FileRef | null => fileRef(lastOf(dirs, name));
  const flagOrUnset = (name: string, inherited: Setting<boolean | null> | undefined) =>
    setting<boolean | null>(lastOf(dirs, name), readFlag, inherited, null);
  return {
    engine: setting(lastOf(dirs, 'sslproxyengine'), readFlag, parent?.engine, false),
    verify: setting<VerifyMode>(
      lastOf(dirs, 'sslproxyverify'),
      readVerifyMode,
      parent?.verify,
      'none',
    ),
    verifyDepth: setting(lastOf(dirs, 'sslproxyverifydepth'), readDepth, parent?.verifyDepth, 1),
    caCertificateFile: own('sslproxycacertificatefile') ?? parent?.caCertificateFile ?? null,
    caCertificatePath: own('sslproxycacertificatepath') ?? parent?.caCertificatePath ?? null,
    machineCertificateFile:
      own('sslproxymachinecertificatefile') ?? parent?.machineCertificateFile ?? null,
    machineCertificatePath:
      own('sslproxymachinecertificatepath') ?? parent?.machineCertificatePath ?? null,
    machineCertificateChainFile:
      own('sslproxymachinecertificatechainfile') ?? parent?.machineCertificateChainFile ?? null,
    checkPeerName: flagOrUnset('sslproxycheckpeername', parent?.checkPeerName),
    checkPeerCN: flagOrUnset('sslproxycheckpeercn', parent?.checkPeerCN),
    checkPeerExpire: flagOrUnset('sslproxycheckpeerexpire', parent?.checkPeerExpire),
  };
}
