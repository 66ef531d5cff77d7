/**
 * `revocation`: SSLCARevocationCheck leaf|chain with neither SSLCARevocationFile nor
 * SSLCARevocationPath in the vhost's merged settings. mod_ssl logs AH01899 and refuses to
 * start at post_config (`apachectl -t` still says Syntax OK; apache-semantics.md §2).
 * Only vhosts with SSL enabled are initialised, so only those are judged.
 */
import type { Finding } from '../findings';
import { atDirective, vhostLabel } from './finding-helpers';
import type { RuleContext } from './types';

export function revocationRules(ctx: RuleContext): Finding[] {
  const findings: Finding[] = [];
  for (const vhost of [ctx.topology.main, ...ctx.topology.vhosts]) {
    const tls = vhost.tls;
    if (!tls.enabled.value) continue;
    const check = tls.revocationCheck;
    const mode = check.value.trim().split(/\s+/)[0]?.toLowerCase() ?? 'none';
    if (check.directive === null || mode === 'none' || mode === '') continue;
    if (tls.revocationFile !== null || tls.revocationPath !== null) continue;
    const id = vhostLabel(vhost.serverName.value, vhost.port);
    findings.push(
      atDirective(
        'revocation',
        check.directive,
        `AH01899: Host ${id}: CRL checking has been enabled, but neither SSLCARevocationFile ` +
          'nor SSLCARevocationPath is configured; httpd refuses to start.',
      ),
    );
  }
  return findings;
}
