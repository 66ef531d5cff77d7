/**
 * Whether the servers of a topology say the same as last check, as far as one computation
 * cares (`signatureOf`: a string per server, e.g. the paths it names). Position by position,
 * an unchanged model (the same object) costs one comparison; only a rebuilt one is asked for
 * its signature. Used to keep whole-config scans (CA keys, peer discovery) across re-checks.
 */
import type { VirtualHostModel } from './types';

export class ServerSignatures {
  private servers: readonly VirtualHostModel[] = [];
  private signatures: string[] = [];

  constructor(private readonly signatureOf: (server: VirtualHostModel) => string) {}

  /** True when `servers` have last check's signatures, in order; remembers them either way. */
  same(servers: readonly VirtualHostModel[]): boolean {
    let same = servers.length === this.servers.length;
    for (let index = 0; same && index < servers.length; index++) {
      const server = servers[index];
      if (server !== this.servers[index] && this.signatureOf(server) !== this.signatures[index]) {
        same = false;
      }
    }
    if (!same) this.signatures = servers.map((server) => this.signatureOf(server));
    this.servers = servers;
    return same;
  }
}
