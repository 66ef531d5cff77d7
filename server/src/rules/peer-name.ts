/**
 * Which backend identity check mod_ssl runs after the proxy handshake (apache-semantics.md §5),
 * and against which hostname.
 */
import { compareVersions } from '../versions';
import type { ProxyTls, ProxyRoute, VirtualHostModel } from '../model/types';

export type NameCheck = 'name' | 'legacy-cn' | 'none';

/** The effective check for the SSLProxyCheckPeerName/CN combination on a given httpd version. */
export function nameCheckMode(tls: ProxyTls, apacheVersion: string): NameCheck {
  const name = tls.checkPeerName.value;
  const cn = tls.checkPeerCN.value;
  if (compareVersions(apacheVersion, '2.4.21') >= 0) {
    if (name !== false && (cn !== false || name === true)) return 'name';
    return cn === true ? 'legacy-cn' : 'none';
  }
  if (compareVersions(apacheVersion, '2.4.5') >= 0) {
    if (name !== false) return 'name';
    return cn !== false ? 'legacy-cn' : 'none';
  }
  return cn !== false ? 'legacy-cn' : 'none';
}

export interface CheckedName {
  /** The hostname mod_ssl compares (and sends as SNI unless it is an IP literal). */
  hostname: string;
  /** True when it is the client's Host header (ProxyPreserveHost On). */
  fromClientHost: boolean;
}

/**
 * ProxyPreserveHost On makes mod_proxy use the client's Host (here: the vhost's ServerName, the
 * name clients are expected to use); otherwise the host of the backend URL.
 */
export function checkedName(vhost: VirtualHostModel, route: ProxyRoute): CheckedName | null {
  if (route.preserveHost.value) {
    const host = vhost.serverName.value;
    return host ? { hostname: host, fromClientHost: true } : null;
  }
  return { hostname: route.host, fromClientHost: false };
}

export function isIpLiteral(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(':');
}
