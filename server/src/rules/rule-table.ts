/**
 * The one rule table: stable id, default level, what is wrong, what Apache does about it,
 * and where to read more (the Apache manual section behind it). Settings map ids to levels;
 * messages of individual findings add the specifics (file, names, depths) but never change
 * what a rule means.
 */
import type { RuleId } from '../findings';
import type { RuleInfo } from './types';

const MOD_SSL = 'https://httpd.apache.org/docs/2.4/mod/mod_ssl.html#';
const CORE = 'https://httpd.apache.org/docs/2.4/mod/core.html#';

type Row = Omit<RuleInfo, 'id'>;

const rows: Record<RuleId, Row> = {
  syntax: {
    severity: 'error',
    title: 'Config syntax error (unbalanced section, bad quoting, missing >)',
    apache: 'httpd refuses to start: AH00526 syntax error',
    docs: 'https://httpd.apache.org/docs/2.4/configuring.html#syntax',
  },
  'unknown-directive': {
    severity: 'error',
    title: 'Directive not defined by any loaded module',
    apache: "httpd refuses to start: Invalid command '…', perhaps misspelled",
    docs: 'https://httpd.apache.org/docs/2.4/mod/quickreference.html',
  },
  'directive-context': {
    severity: 'error',
    title: 'Directive not allowed in this context',
    apache: 'httpd refuses to start: "… not allowed in <X> context" (AH00526)',
    docs: `https://httpd.apache.org/docs/2.4/mod/directive-dict.html#Context`,
  },
  argument: {
    severity: 'error',
    title: 'Bad directive argument',
    apache: 'httpd refuses to start, or silently reads the value differently',
    docs: `https://httpd.apache.org/docs/2.4/mod/directive-dict.html#Syntax`,
  },
  'include-missing': {
    severity: 'error',
    title: 'Include names nothing, or includes recurse',
    apache:
      'httpd refuses to start: Could not open configuration file / No matches for the wildcard',
    docs: `${CORE}include`,
  },
  'undefined-variable': {
    severity: 'warning',
    title: '${VAR} used before any Define',
    apache: 'AH00111 warning; the literal ${VAR} stays in the line',
    docs: `${CORE}define`,
  },
  'file-missing': {
    severity: 'error',
    title: 'Certificate, key or CA path is absent or empty',
    apache: "httpd refuses to start: AH00526 … file '…' does not exist or is empty",
    docs: `${MOD_SSL}sslcertificatefile`,
  },
  'pem-invalid': {
    severity: 'error',
    title: 'File is not the PEM Apache needs',
    apache:
      'httpd refuses to start (AH02562; AH01895 for a CA file), or loads nothing from it (AH02206)',
    docs: `${MOD_SSL}sslcertificatefile`,
  },
  'pem-glued': {
    severity: 'error',
    title: 'END and BEGIN lines glued together',
    apache:
      "OpenSSL's reader fails on the whole file: AH02562 or AH01895 (no start), or AH02206 " +
      '(no client cert)',
    docs: `${MOD_SSL}sslproxymachinecertificatefile`,
  },
  'key-mismatch': {
    severity: 'error',
    title: 'Private key does not match the server certificate',
    apache: 'httpd refuses to start: AH02565 certificate and private key do not match',
    docs: `${MOD_SSL}sslcertificatekeyfile`,
  },
  'key-missing': {
    severity: 'error',
    title: 'No certificate and key pair for an SSL server (no key, or no certificate at all)',
    apache: 'httpd refuses to start: AH02564/AH02573, or AH02572 with no certificate',
    docs: `${MOD_SSL}sslcertificatekeyfile`,
  },
  'key-encrypted': {
    severity: 'error',
    title: 'Server key is encrypted',
    apache:
      "httpd prompts for a pass phrase (Debian's ask-for-passphrase waits for a person); " +
      'without a TTY (systemd) it fails: AH02564',
    docs: `${MOD_SSL}sslpassphrasedialog`,
  },
  'chain-order': {
    severity: 'error',
    title: 'Leaf is not the first certificate, or the chain is out of order',
    apache: 'AH02565 at start (leaf not first), or clients fail to build the chain',
    docs: `${MOD_SSL}sslcertificatefile`,
  },
  'chain-incomplete': {
    severity: 'error',
    title: 'The chain Apache sends does not reach a self-signed root',
    apache: 'clients that lack the intermediate fail the handshake',
    docs: `${MOD_SSL}sslcertificatefile`,
  },
  'server-name': {
    severity: 'warning',
    title: 'ServerName/ServerAlias not covered by the certificate',
    apache: 'AH01909 warning at start; clients reject the name',
    docs: `${CORE}servername`,
  },
  'server-eku': {
    severity: 'error',
    title: 'Server certificate not usable for TLS server authentication',
    apache: 'clients reject the handshake (unsupported certificate purpose)',
    docs: `${MOD_SSL}sslcertificatefile`,
  },
  'server-is-ca': {
    severity: 'warning',
    title: 'A CA certificate is used as server certificate',
    apache: 'AH01906 warning at start',
    docs: `${MOD_SSL}sslcertificatefile`,
  },
  'client-ca-missing': {
    severity: 'error',
    title: 'Client certificates required but no CA to verify them',
    apache: 'AH01897 warning at start; every client handshake fails',
    docs: `${MOD_SSL}sslcacertificatefile`,
  },
  'client-ca-no-root': {
    severity: 'error',
    title: 'CA file has no self-signed root',
    apache: 'every verification fails: unable to get issuer certificate',
    docs: `${MOD_SSL}sslcacertificatefile`,
  },
  'verify-depth': {
    severity: 'error',
    title: 'Client chains are deeper than SSLVerifyDepth allows',
    apache: 'AH02040 Certificate Chain too long; the client gets a TLS alert',
    docs: `${MOD_SSL}sslverifydepth`,
  },
  'proxy-engine-missing': {
    severity: 'error',
    title: 'https:// backend without SSLProxyEngine on',
    apache: 'every proxied request gets 500: AH00961 failed to enable ssl support',
    docs: `${MOD_SSL}sslproxyengine`,
  },
  'proxy-ca-missing': {
    severity: 'error',
    title: 'SSLProxyVerify require without SSLProxyCACertificate*',
    apache: 'AH01897 at start; every backend handshake fails: 500',
    docs: `${MOD_SSL}sslproxycacertificatefile`,
  },
  'proxy-verify-depth': {
    severity: 'error',
    title: 'Backend chain is deeper than SSLProxyVerifyDepth allows',
    apache: 'AH02040; every proxied request gets 500',
    docs: `${MOD_SSL}sslproxyverifydepth`,
  },
  'proxy-bundle-no-key': {
    severity: 'error',
    title: 'Machine certificate file has a certificate and no usable key',
    apache: 'AH02206 no client certs; the backend rejects the proxy: 502',
    docs: `${MOD_SSL}sslproxymachinecertificatefile`,
  },
  'proxy-bundle-encrypted': {
    severity: 'error',
    title: 'Encrypted key in the machine certificate file',
    apache: 'httpd refuses to start: AH02252 incomplete client cert configured',
    docs: `${MOD_SSL}sslproxymachinecertificatefile`,
  },
  'proxy-bundle-mismatch': {
    severity: 'error',
    title: 'Machine certificate and key are not an adjacent matching pair',
    apache: 'httpd refuses to start: AH02326 proxy client certificate and private key do not match',
    docs: `${MOD_SSL}sslproxymachinecertificatefile`,
  },
  'proxy-bundle-pkcs8': {
    severity: 'warning',
    title: 'PKCS#8 key in the machine file, which OpenSSL 1.1 ignores',
    apache: 'with OpenSSL < 3 the key is ignored: AH02206 (2.4.59+) or AH02252 (older)',
    docs: `${MOD_SSL}sslproxymachinecertificatefile`,
  },
  'proxy-client-eku': {
    severity: 'error',
    title: 'Proxy client certificate not usable for TLS client authentication',
    apache: 'the backend rejects the certificate: 502',
    docs: `${MOD_SSL}sslproxymachinecertificatefile`,
  },
  'proxy-client-missing': {
    severity: 'error',
    title: 'Backend requires a client certificate; Apache has none to send',
    apache: 'AH02268; the backend rejects the proxy: 502',
    docs: `${MOD_SSL}sslproxymachinecertificatefile`,
  },
  'proxy-peer-name': {
    severity: 'error',
    title: 'Backend certificate does not cover the name Apache checks',
    apache: 'AH02411 peer certificate does not match; every proxied request gets 500',
    docs: `${MOD_SSL}sslproxycheckpeername`,
  },
  'proxy-peer-unchecked': {
    severity: 'information',
    title: 'Backend identity is not checked',
    apache: 'accepted: any certificate the backend presents is trusted for this name',
    docs: `${MOD_SSL}sslproxycheckpeername`,
  },
  'proxy-peer-ip': {
    severity: 'warning',
    title: 'Backend addressed by IP with the name check on',
    apache: 'IP SANs are ignored by the name check: 500 with AH02411',
    docs: `${MOD_SSL}sslproxycheckpeername`,
  },
  'cert-expired': {
    severity: 'error',
    title: 'Certificate not valid at the checked time',
    apache: 'handshakes fail (certificate has expired / not yet valid)',
    docs: `${MOD_SSL}sslproxycheckpeerexpire`,
  },
  'cert-expiring': {
    severity: 'warning',
    title: 'Certificate expires soon',
    apache: 'handshakes will fail after the expiry date',
    docs: `${MOD_SSL}sslproxycheckpeerexpire`,
  },
  'weak-crypto': {
    severity: 'warning',
    title: 'Weak key or signature',
    apache: 'current clients refuse RSA < 2048 and SHA-1/MD5 signatures',
    docs: `${MOD_SSL}sslcertificatefile`,
  },
  revocation: {
    severity: 'error',
    title: 'Revocation checking misconfigured',
    apache: 'AH01899 no start, or every handshake fails: unable to get certificate CRL',
    docs: `${MOD_SSL}sslcarevocationcheck`,
  },
  'client-untrusted': {
    severity: 'error',
    title: 'A known client certificate is not accepted by this vhost',
    apache: 'that client gets a TLS alert',
    docs: `${MOD_SSL}sslverifyclient`,
  },
  'backend-untrusted': {
    severity: 'error',
    title: 'A known backend certificate does not verify under SSLProxyCACertificate*',
    apache: 'every proxied request gets 500',
    docs: `${MOD_SSL}sslproxyverify`,
  },
  'key-permissions': {
    severity: 'warning',
    title: 'Private key readable by group or others',
    apache: 'accepted; the key is exposed to other local users',
    docs: `${MOD_SSL}sslcertificatekeyfile`,
  },
  'ca-key-exposed': {
    severity: 'warning',
    title: 'A CA private key is referenced by the config or sits beside served files',
    apache: 'accepted; whoever reads it can mint trusted certificates',
    docs: `${MOD_SSL}sslcacertificatefile`,
  },
};

export const RULES: Record<RuleId, RuleInfo> = Object.fromEntries(
  Object.entries(rows).map(([id, row]) => [id, { id: id as RuleId, ...row }]),
) as Record<RuleId, RuleInfo>;
