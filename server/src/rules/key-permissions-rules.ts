/**
 * `key-permissions`: a private key file the config names (SSLCertificateKeyFile, a
 * SSLCertificateFile that holds its key, SSLProxyMachineCertificateFile) that group or others
 * may read. httpd reads keys as root before dropping privileges, so 0600 (or 0400) loses
 * nothing. Judged only for unmapped paths: a mapped local copy's mode says nothing about the
 * file on the server.
 */
import type { Finding } from '../findings';
import type { FileRef, VirtualHostModel } from '../model/types';
import { atFile } from './finding-helpers';
import type { RuleContext, RuleFamily } from './types';

export const keyPermissionRules: RuleFamily = { server: exposedKeys };

function exposedKeys(ctx: RuleContext, vhost: VirtualHostModel): Finding[] {
  const findings: Finding[] = [];
  for (const ref of keyBearingRefs(vhost)) {
    if (ref.deployedPath !== ref.localPath) continue;
    const file = ctx.pki.load(ref.localPath);
    if (file.problem || file.keys.length === 0 || file.mode === null) continue;
    const exposed = file.mode & 0o077;
    if (exposed === 0) continue;
    const who = exposed & 0o007 ? 'every user on the machine' : 'its group';
    findings.push(
      atFile(
        'key-permissions',
        ref,
        `${ref.deployedPath} holds a private key and has mode ${octal(file.mode)}: ${who} ` +
          `can read it. httpd reads it as root before dropping privileges; chmod 600 it.`,
      ),
    );
  }
  return findings;
}

/** Files that may hold a private key: key files, and cert files without a key file beside. */
function keyBearingRefs(vhost: VirtualHostModel): FileRef[] {
  const tls = vhost.tls;
  const refs = [...tls.keyFiles, ...tls.certificateFiles.slice(tls.keyFiles.length)];
  for (const route of vhost.routes) {
    const machine = route.proxyTls.machineCertificateFile;
    if (machine) refs.push(machine);
  }
  return refs;
}

function octal(mode: number): string {
  return `0${(mode & 0o777).toString(8)}`;
}
