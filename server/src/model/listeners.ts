/** `Listen [addr:]port [protocol]` -> port -> protocol (https for 443 unless given). */
import type { DirectiveNode } from '../config/types';
import { allOf } from './scopes';

export function parseListeners(mainDirectives: DirectiveNode[]): Map<number, string> {
  const byPort = new Map<number, string>();
  for (const listen of allOf(mainDirectives, 'listen')) {
    const port = portOf(listen.args[0]?.value ?? '');
    if (port === 0) continue;
    const protocol = listen.args[1]?.value.toLowerCase() ?? (port === 443 ? 'https' : 'http');
    byPort.set(port, protocol);
  }
  return byPort;
}

/** Port of the first `<VirtualHost>` address that names one; 0 when none does. */
export function vhostPort(addresses: string[]): number {
  for (const address of addresses) {
    const port = portOf(address);
    if (port !== 0) return port;
  }
  return 0;
}

function portOf(address: string): number {
  const match = /:(\d+)$/.exec(address) ?? /^(\d+)$/.exec(address);
  return match ? Number.parseInt(match[1], 10) : 0;
}
