/** Runs every rule family over one topology. A family that throws is a bug: it is isolated. */
import type { Finding } from '../findings';
import { caKeyRules } from './ca-key-rules';
import { chainRules } from './chain-rules';
import { clientAuthRules } from './client-auth-rules';
import { crlRules } from './crl-rules';
import { dedupe } from './finding-helpers';
import { directiveRules } from './directive-rules';
import { fileRules } from './file-rules';
import { keyPermissionRules } from './key-permissions-rules';
import { proxyBundleRules } from './proxy-bundle-rules';
import { proxyRules } from './proxy-rules';
import { revocationRules } from './revocation-rules';
import { serverCertRules } from './server-cert-rules';
import type { RuleContext, RuleFamily } from './types';
import { weakCryptoRules } from './weak-crypto-rules';

export const RULE_FAMILIES: Record<string, RuleFamily> = {
  directives: directiveRules,
  files: fileRules,
  'server-certificate': serverCertRules,
  chain: chainRules,
  'client-auth': clientAuthRules,
  proxy: proxyRules,
  'proxy-bundle': proxyBundleRules,
  revocation: revocationRules,
  crl: crlRules,
  'weak-crypto': weakCryptoRules,
  'key-permissions': keyPermissionRules,
  'ca-key': caKeyRules,
};

export interface RuleRun {
  findings: Finding[];
  /** Families that threw, with the error; the other families' findings still count. */
  failures: { family: string; error: unknown }[];
}

export function runRules(ctx: RuleContext): RuleRun {
  const findings: Finding[] = [];
  const failures: RuleRun['failures'] = [];
  for (const [family, run] of Object.entries(RULE_FAMILIES)) {
    try {
      findings.push(...run(ctx));
    } catch (error) {
      failures.push({ family, error });
    }
  }
  return { findings: dedupe(findings), failures };
}
