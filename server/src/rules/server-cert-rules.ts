/**
 * The certificate and key Apache presents to clients (SSLCertificateFile/KeyFile), read as
 * mod_ssl does at startup (apache-semantics.md §2): the first PEM certificate is the leaf, the
 * rest of the file is its chain (unless SSLCertificateChainFile is set); key file i pairs with
 * certificate file i, else the key is looked for in the certificate file itself.
 */
import * as path from 'node:path';
import type { DirectiveNode, SectionNode } from '../config/types';
import type { Finding } from '../findings';
import type { FileRef, VirtualHostModel } from '../model/types';
import { keyMatchesCertificate } from '../pki/keys';
import { EKU_SERVER_AUTH, type CertView, type Located, type LoadedPemFile } from '../pki/types';
import { apacheNameMatches, clientNameMatches } from '../pki/host-match';
import { ekuAllows, validityFindings } from './cert-checks';
import { atArgument, atDirective, atFile, blockLocation, vhostLabel } from './finding-helpers';
import { enabledProtocols } from './directive-arguments';
import { pemFileProblems, visible } from './pem-problems';
import type { RuleContext, RuleFamily } from './types';
import { compareVersions } from '../versions';

export const serverCertRules: RuleFamily = {
  server(ctx, vhost) {
    if (!vhost.tls.enabled.value) return engineOptional(ctx, vhost);
    const protocols = noProtocol(vhost);
    if (vhost.tls.certificateFiles.length === 0)
      return [...protocols, ...noCertificate(ctx, vhost)];
    return [
      ...protocols,
      ...vhost.tls.certificateFiles.flatMap((certRef, index) =>
        checkPair(ctx, vhost, certRef, vhost.tls.keyFiles[index] ?? null),
      ),
    ];
  },
};

/**
 * SSL on with no SSLCertificateFile in effect (none in the vhost, none inherited from the main
 * server): mod_ssl fails `SSL_CTX_check_private_key` at startup, AH02572, unless a module such
 * as mod_md supplies the certificate (then it answers 503 until it has one: not flagged).
 */
function noCertificate(ctx: RuleContext, vhost: VirtualHostModel): Finding[] {
  const engine = vhost.tls.enabled.directive;
  if (engine === null || exempt(ctx)) return [];
  const id = vhostLabel(vhost.serverName.value, vhost.port);
  // A file that loads no module is a part (a site file): the main config it is included
  // from may set a certificate for every vhost, which this check cannot see.
  const part = !ctx.topology.config.nodes.some(
    (n) => n.kind === 'directive' && n.name.toLowerCase() === 'loadmodule',
  );
  const message =
    `SSL is on for ${id} but no SSLCertificateFile is in effect there: ` +
    (part ? 'unless the main config that includes this file sets one, ' : '') +
    `httpd refuses to start (AH02572: Failed to configure at least one certificate and key ` +
    `for ${id}).`;
  const extras = part ? { severity: 'warning' as const } : {};
  const section = vhost.section;
  if (section === null || within(engine, section)) {
    return [atDirective('key-missing', engine, message, extras)];
  }
  // SSLEngine on in the main server reaches every vhost without its own SSLEngine.
  const from = `${path.basename(engine.file)}:${engine.range.start.line + 1}`;
  return [
    {
      rule: 'key-missing',
      file: section.file,
      range: section.openRange,
      message: `${message} SSLEngine on comes from the main server (${from}).`,
      ...extras,
    },
  ];
}

/**
 * `SSLEngine optional` is gone in 2.4.64+: httpd logs AH10510 and leaves TLS off, so the port
 * speaks plain HTTP (clients expecting TLS fail: curl's "wrong version number").
 */
function engineOptional(ctx: RuleContext, vhost: VirtualHostModel): Finding[] {
  const engine = vhost.tls.enabled.directive;
  if (engine?.args[0]?.value.toLowerCase() !== 'optional') return [];
  if (compareVersions(ctx.apacheVersion, '2.4.64') < 0) return [];
  return [
    atArgument(
      'argument',
      engine,
      0,
      `SSLEngine optional is no longer supported (AH10510): TLS stays off, the port speaks ` +
        'plain HTTP. Use SSLEngine on.',
      { severity: 'warning' },
    ),
  ];
}

/**
 * The SSLProtocol in effect (the vhost's last, else the main server's) enables nothing:
 * mod_ssl stops at startup, AH02231. Only SSL servers are configured, so only they fail.
 */
function noProtocol(vhost: VirtualHostModel): Finding[] {
  const directive = vhost.tls.protocol;
  if (directive === null || enabledProtocols(directive)?.size !== 0) return [];
  return [
    atDirective(
      'argument',
      directive,
      `${directive.name} enables no protocol for an SSL server: httpd refuses to start ` +
        '(AH02231: No SSL protocols available).',
    ),
  ];
}

function within(directive: DirectiveNode, section: SectionNode): boolean {
  if (directive.file !== section.file) return false;
  const line = directive.range.start.line;
  return line > section.range.start.line && line <= section.range.end.line;
}

/** Not for this rule: without mod_ssl SSLEngine is unknown; mod_md may supply the certificate. */
function exempt(ctx: RuleContext): boolean {
  ctx.readsWholeConfig?.();
  const config = ctx.topology.config;
  if (!config.modules.has('ssl_module')) return true;
  return config.nodes.some((node) => /^mdomain(set)?$/i.test(node.name));
}

function checkPair(
  ctx: RuleContext,
  vhost: VirtualHostModel,
  certRef: FileRef,
  keyRef: FileRef | null,
): Finding[] {
  const id = vhostLabel(vhost.serverName.value, vhost.port);
  const certFile = ctx.pki.load(certRef.localPath);
  if (certFile.problem) return [];
  const fatal = `httpd refuses to start: AH02562 Failed to configure certificate ${id}`;
  const pemProblems = pemFileProblems(certRef, certFile, fatal);
  if (pemProblems.length > 0) return pemProblems;

  // OpenSSL does not read an indented block (BEGIN not at column 0).
  const leaf = visible(certFile.certificates)[0];
  if (!leaf) {
    return [atFile('pem-invalid', certRef, `No certificate in ${certRef.deployedPath}: ${fatal}.`)];
  }

  const findings: Finding[] = [];
  const keyFile = keyRef ? ctx.pki.load(keyRef.localPath) : certFile;
  if (keyRef && keyFile.problem) return findings;
  findings.push(...keyFindings(ctx, id, certRef, keyRef ?? certRef, certFile, keyFile, leaf));
  // With the leaf not first, the first certificate is not the server's: judge nothing else of it.
  if (findings.some((f) => f.rule === 'chain-order')) return findings;
  findings.push(...leafFindings(vhost, id, certRef, leaf.value, leaf));
  findings.push(...validityFindings(ctx, certRef, leaf, 'clients reject the handshake'));
  return findings;
}

function keyFindings(
  ctx: RuleContext,
  id: string,
  certRef: FileRef,
  keyRef: FileRef,
  certFile: LoadedPemFile,
  keyFile: LoadedPemFile,
  leaf: Located<CertView>,
): Finding[] {
  // mod_ssl reads a key file of its own even when its BEGIN line is indented (AH02582, then
  // configured; oracle run), not a key inside the certificate file.
  const key = (keyRef === certRef ? visible(keyFile.keys) : keyFile.keys)[0];
  if (!key) {
    const where =
      keyRef === certRef
        ? `${certRef.deployedPath} (no SSLCertificateKeyFile)`
        : keyRef.deployedPath;
    return [
      atFile(
        'key-missing',
        keyRef,
        `No private key for the certificate of ${id} in ${where}: httpd refuses to start ` +
          '(AH02564/AH02573).',
      ),
    ];
  }
  const keyBlock = blockLocation(key.file, key.block, `${key.value.format} private key`);
  if (key.value.encrypted) {
    const dialog = passPhraseDialog(ctx);
    if (dialog === 'program') return [];
    const how =
      dialog === 'person'
        ? "httpd runs Debian's ask-for-passphrase at startup, which waits for a person " +
          "(a terminal, or systemd's password agent): an unattended start or restart hangs."
        : 'httpd asks for a pass phrase at startup and, with no terminal (systemd), refuses to ' +
          'start with AH02564.';
    return [
      atFile('key-encrypted', keyRef, `The private key for ${id} is encrypted: ${how}`, {
        related: [keyBlock],
      }),
    ];
  }
  if (!key.value.publicKey) {
    return [
      atFile(
        'pem-invalid',
        keyRef,
        `The private key for ${id} cannot be read (${key.value.error ?? 'bad key'}).`,
        {
          related: [keyBlock],
        },
      ),
    ];
  }
  if (keyMatchesCertificate(key.value, leaf.value)) return [];

  const matching = visible(certFile.certificates).find((c) =>
    keyMatchesCertificate(key.value, c.value),
  );
  if (matching) {
    return [
      atFile(
        'chain-order',
        certRef,
        `The first certificate in ${certRef.deployedPath} is not the leaf: the key matches ` +
          `certificate #${matching.block.index + 1} (${matching.value.subject}). ` +
          'httpd refuses to start: ' +
          `AH02565. Put the leaf first, then its intermediates.`,
        {
          related: [
            blockLocation(leaf.file, leaf.block, `first certificate: ${leaf.value.subject}`),
            blockLocation(
              matching.file,
              matching.block,
              `leaf matching the key: ${matching.value.subject}`,
            ),
          ],
          data: { fix: 'reorder-chain', leafIndex: matching.block.index },
        },
      ),
    ];
  }
  return [
    atFile(
      'key-mismatch',
      keyRef,
      `The private key does not match the certificate ${leaf.value.subject} of ${id}: httpd ` +
        'refuses to start with AH02565 (certificate and private key do not match).',
      {
        related: [
          keyBlock,
          blockLocation(leaf.file, leaf.block, `certificate: ${leaf.value.subject}`),
        ],
      },
    ),
  ];
}

function leafFindings(
  vhost: VirtualHostModel,
  id: string,
  certRef: FileRef,
  cert: CertView,
  leaf: Located<CertView>,
): Finding[] {
  const findings: Finding[] = [];
  const related = [blockLocation(leaf.file, leaf.block, cert.subject)];
  if (!ekuAllows(cert, EKU_SERVER_AUTH)) {
    findings.push(
      atFile(
        'server-eku',
        certRef,
        `The server certificate ${cert.subject} has extendedKeyUsage without serverAuth: ` +
          'clients reject the handshake (unsupported certificate purpose).',
        { related },
      ),
    );
  } else if (cert.keyUsage && !keyUsageAllowsTls(cert)) {
    findings.push(
      atFile(
        'server-eku',
        certRef,
        `The server certificate ${cert.subject} has keyUsage without digitalSignature, ` +
          'keyEncipherment or keyAgreement: clients reject the handshake (unsupported purpose).',
        { related },
      ),
    );
  }
  if (cert.isCA) {
    findings.push(
      atFile(
        'server-is-ca',
        certRef,
        `The server certificate ${cert.subject} is a CA certificate: httpd warns AH01906 ` +
          '(BasicConstraints: CA == TRUE) and clients may refuse it.',
        { related },
      ),
    );
  }
  findings.push(...nameFindings(vhost, id, cert, related));
  return findings;
}

function nameFindings(
  vhost: VirtualHostModel,
  id: string,
  cert: CertView,
  related: ReturnType<typeof blockLocation>[],
): Finding[] {
  const findings: Finding[] = [];
  const serverName = vhost.serverName;
  const names: { name: string; isServerName: boolean }[] = [];
  if (serverName.value) names.push({ name: serverName.value, isServerName: true });
  for (const alias of vhost.serverAliases) {
    if (!/[*?]/.test(alias)) names.push({ name: alias, isServerName: false });
  }
  for (const { name, isServerName } of names) {
    const verdict = clientNameMatches(cert, name);
    if (verdict === 'san') continue;
    const directive = isServerName ? serverName.directive : null;
    const apacheWarns = isServerName && !apacheNameMatches(cert, name);
    const message =
      verdict === 'cn-only'
        ? `${name} is only in the certificate's CN (no subjectAltName): browsers reject it.`
        : `The certificate of ${id} (${cert.subject}) does not cover ${name}` +
          (apacheWarns
            ? ': httpd warns AH01909 and clients reject the name.'
            : ': clients reject the name.');
    if (directive) findings.push(atDirective('server-name', directive, message, { related }));
    else if (vhost.section) {
      const aliasDirective = findAlias(vhost, name);
      if (aliasDirective)
        findings.push(atDirective('server-name', aliasDirective, message, { related }));
    }
  }
  return findings;
}

/** OpenSSL's sslserver purpose: a keyUsage extension must allow some TLS use. */
function keyUsageAllowsTls(cert: CertView): boolean {
  const ku = cert.keyUsage;
  return !ku || ku.digitalSignature || ku.keyEncipherment || ku.keyAgreement;
}

function findAlias(vhost: VirtualHostModel, name: string) {
  const stack = [...(vhost.section?.children ?? [])];
  while (stack.length > 0) {
    const node = stack.pop();
    if (!node) break;
    if (node.kind === 'section') stack.push(...node.children);
    else if (
      node.name.toLowerCase() === 'serveralias' &&
      node.args.some((a) => a.value.toLowerCase() === name)
    ) {
      return node;
    }
  }
  return null;
}

/** Reads the main config: the vhost's findings are not reused (`readsWholeConfig`). */
/**
 * Who answers SSLPassPhraseDialog: `builtin` (the default) prompts on httpd's terminal; an
 * `exec:` or `|` program may answer by itself, except Debian's stock ask-for-passphrase,
 * which asks a person through the terminal or systemd's password agent.
 */
function passPhraseDialog(ctx: RuleContext): 'builtin' | 'program' | 'person' {
  ctx.readsWholeConfig?.();
  // The last one counts.
  const dialogs = ctx.topology.config.nodes.filter(
    (n): n is DirectiveNode =>
      n.kind === 'directive' && n.name.toLowerCase() === 'sslpassphrasedialog',
  );
  const value = dialogs[dialogs.length - 1]?.args[0]?.value ?? '';
  if (!/^(exec:|\|)/i.test(value)) return 'builtin';
  return /\/ask-for-passphrase$/.test(value) ? 'person' : 'program';
}
