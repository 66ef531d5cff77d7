/**
 * The effective TLS topology Apache would build from a loaded config: the main server and
 * each <VirtualHost> with its merged SSL settings, and each proxy route with the backend TLS
 * settings of its effective scope (server -> vhost -> matching <Proxy>), Apache defaults included.
 */
import type { DirectiveNode, LoadedConfig, SectionNode } from '../config/types';

/** A value and the directive that set it; `directive` null means Apache's default applies. */
export interface Setting<T> {
  value: T;
  directive: DirectiveNode | null;
}

/** A file argument resolved against the final ServerRoot and the path mappings. */
export interface FileRef {
  /** The path as Apache would open it (ServerRoot-joined, before mapping). */
  deployedPath: string;
  /** Where the file is on this machine (after path mapping). */
  localPath: string;
  directive: DirectiveNode;
  /** Index of the argument holding the path (always 0 for mod_ssl file directives). */
  argIndex: number;
}

export type VerifyMode = 'none' | 'optional' | 'require' | 'optional_no_ca';

export interface ServerTls {
  /** SSLEngine, or implicit (Listen ... https + a certificate, 2.4.34+). */
  enabled: Setting<boolean>;
  certificateFiles: FileRef[];
  keyFiles: FileRef[];
  chainFile: FileRef | null;
  caCertificateFile: FileRef | null;
  caCertificatePath: FileRef | null;
  verifyClient: Setting<VerifyMode>;
  /** Apache's atoi value; default 1. */
  verifyDepth: Setting<number>;
  revocationCheck: Setting<string>;
  revocationFile: FileRef | null;
  revocationPath: FileRef | null;
  /** The SSLProtocol in effect (the vhost's last, else the main server's); null: the default. */
  protocol: DirectiveNode | null;
}

export interface ProxyTls {
  engine: Setting<boolean>;
  verify: Setting<VerifyMode>;
  verifyDepth: Setting<number>;
  caCertificateFile: FileRef | null;
  caCertificatePath: FileRef | null;
  machineCertificateFile: FileRef | null;
  machineCertificatePath: FileRef | null;
  machineCertificateChainFile: FileRef | null;
  /** null = unset (distinct from explicit on/off; see the 2.4.21 matrix). */
  checkPeerName: Setting<boolean | null>;
  checkPeerCN: Setting<boolean | null>;
  checkPeerExpire: Setting<boolean | null>;
}

export interface ProxyRoute {
  /** ProxyPass, BalancerMember or RewriteRule [P]. */
  directive: DirectiveNode;
  /** The enclosing <Location>/<LocationMatch>, if any. */
  location: SectionNode | null;
  /** Argument index of the backend URL in `directive`. */
  urlArgIndex: number;
  url: string;
  scheme: string;
  /** Lowercased host (brackets removed for IPv6). */
  host: string;
  port: number;
  /** True for https/wss/h2: TLS to the backend. */
  tls: boolean;
  preserveHost: Setting<boolean>;
  /** Backend TLS settings of the route's effective scope. */
  proxyTls: ProxyTls;
}

export interface VirtualHostModel {
  /** null for the main server (settings outside any <VirtualHost>). */
  section: SectionNode | null;
  /** `*:7771`, `_default_:443`, ... as written. */
  addresses: string[];
  /** First port among the addresses, 0 when none. */
  port: number;
  serverName: Setting<string | null>;
  serverAliases: string[];
  tls: ServerTls;
  routes: ProxyRoute[];
}

export interface Topology {
  config: LoadedConfig;
  main: VirtualHostModel;
  vhosts: VirtualHostModel[];
  /** `main`, then every vhost: what per-server rules and scans walk. */
  servers: VirtualHostModel[];
}

/** A client certificate expected to reach Apache: from `.httpd-mtls.json`, or discovered. */
export interface KnownClient {
  /** Local path of the certificate file (the chain may follow the leaf). */
  certificate: string;
  key?: string;
  /** Found in the workspace rather than declared: only used where its chain verifies. */
  discovered?: boolean;
}

/** A backend Apache proxies to: from `.httpd-mtls.json`, or discovered by SAN. */
export interface KnownBackend {
  url: string;
  certificate?: string;
  caCertificates?: string;
  requireClientCertificate?: boolean;
  /** Found in the workspace rather than declared: only used where its chain verifies. */
  discovered?: boolean;
}

export interface KnownPeers {
  clients: KnownClient[];
  backends: KnownBackend[];
}
