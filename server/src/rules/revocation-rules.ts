/**
 * `revocation`: SSLCARevocationCheck leaf|chain with neither SSLCARevocationFile nor
 * SSLCARevocationPath in the vhost's merged settings. mod_ssl logs AH01899 and refuses to
 * start at post_config (`apachectl -t` still says Syntax OK; apache-semantics.md §2).
 * Only vhosts with SSL enabled are initialised, so only those are judged.
 */
import { atDirective, vhostLabel } from './finding-helpers';
import type { RuleFamily } from './types';

export const revocationRules: RuleFamily = {
  server(_ctx, vhost) {
    const tls = vhost.tls;
    if (!tls.enabled.value) return [];
    const check = tls.revocationCheck;
    const mode = check.value.trim().split(/\s+/)[0]?.toLowerCase() ?? 'none';
    if (check.directive === null || mode === 'none' || mode === '') return [];
    if (tls.revocationFile !== null || tls.revocationPath !== null) return [];
    const id = vhostLabel(vhost.serverName.value, vhost.port);
    return [
      atDirective(
        'revocation',
        check.directive,
        `AH01899: Host ${id}: CRL checking has been enabled, but neither SSLCARevocationFile ` +
          'nor SSLCARevocationPath is configured; httpd refuses to start.',
      ),
    ];
  },
};
