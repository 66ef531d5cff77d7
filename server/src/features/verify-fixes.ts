/** One-line fixes the Verify report shows under a failing check, keyed by rule id. */
import type { RuleId } from '../findings';

const FIXES: Partial<Record<RuleId, string>> = {
  'file-missing': 'Point the directive at an existing file, or add a path mapping.',
  'pem-invalid': 'Convert the file to PEM (openssl x509 -inform der -out FILE.pem).',
  'pem-glued': 'Put the BEGIN marker on its own line after the END line.',
  'key-mismatch': 'Name the private key that belongs to this certificate.',
  'key-missing': "Add SSLCertificateKeyFile with the certificate's key.",
  'key-encrypted': 'Store the key unencrypted (mode 0600) or configure SSLPassPhraseDialog.',
  'chain-order': 'Put the leaf certificate first, then each issuer in order.',
  'chain-incomplete': 'Append the intermediate CA certificates to SSLCertificateFile.',
  'server-name': 'Reissue the server certificate with a SAN for every ServerName/ServerAlias.',
  'server-eku': 'Reissue the server certificate with EKU serverAuth.',
  'server-is-ca': 'Use a leaf certificate (CA:FALSE) as the server certificate.',
  'client-ca-missing': 'Add SSLCACertificateFile naming the CA that issues client certificates.',
  'client-ca-no-root': 'Add the self-signed root to SSLCACertificateFile.',
  'verify-depth': 'Raise SSLVerifyDepth to the depth the client chain needs.',
  'proxy-engine-missing': 'Add SSLProxyEngine On in the vhost that proxies to https://.',
  'proxy-ca-missing': "Add SSLProxyCACertificateFile naming the backend's CA.",
  'proxy-verify-depth': 'Raise SSLProxyVerifyDepth to the depth the backend chain needs.',
  'proxy-bundle-no-key': 'Append the client key after its certificate in the bundle.',
  'proxy-bundle-encrypted': "Store the bundle's key unencrypted (openssl rsa -traditional).",
  'proxy-bundle-mismatch': 'Put each key right after its own certificate in the bundle.',
  'proxy-bundle-pkcs8': 'Convert the key to traditional form (openssl rsa -traditional).',
  'proxy-client-eku': "Reissue Apache's proxy client certificate with EKU clientAuth.",
  'proxy-client-missing': 'Add SSLProxyMachineCertificateFile with a cert + key bundle.',
  'proxy-peer-name':
    "Add the checked name to the backend certificate's SAN, or SSLProxyCheckPeerName Off.",
  'proxy-peer-ip': 'Address the backend by a DNS name its certificate covers.',
  'cert-expired': 'Renew the certificate.',
  'cert-expiring': 'Renew the certificate before it expires.',
  'weak-crypto': 'Reissue with RSA >= 2048 or ECDSA and a SHA-256 signature.',
  revocation: 'Add SSLCARevocationFile/Path, or no_crl_for_cert_ok.',
  'client-untrusted': 'Issue the client from a CA in SSLCACertificateFile, EKU clientAuth.',
  'backend-untrusted': "Add the backend's root CA to SSLProxyCACertificateFile.",
  'key-permissions': 'chmod 600 the key file.',
  'ca-key-exposed': 'Move the CA private key away from the server.',
};

export function fixFor(rule: RuleId): string | undefined {
  return FIXES[rule];
}
