#!/usr/bin/env bash
# Makes every certificate and key under examples/ with the openssl CLI, the way the seed
# tutorial does (one private CA, RSA 2048), but valid for ~100 years so the committed PEM
# files keep working. The broken cases get copies of the seed files plus their one defect.
#
# Usage: bash examples/make-example-pki.sh [--force]
# Without --force it refuses to run when the seed CA key already exists, so it never
# overwrites committed or user-made files by accident.
set -euo pipefail
cd "$(dirname "$0")"

days=36500
if [ "${1:-}" != "--force" ] && [ -e seed/ca/myCAkey.pem ]; then
  echo "examples PKI already exists (seed/ca/myCAkey.pem); pass --force to remake it" >&2
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
umask 077

# Extension profiles, named like the tutorial's -reqexts sections (server, client).
cat >"$work/ext.cnf" <<'EOF'
[ req ]
distinguished_name = dn
[ dn ]
[ ca ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ intermediate ]
basicConstraints = critical, CA:true, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ server ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:${ENV::SAN}
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ client ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
subjectAltName = DNS:${ENV::SAN}
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
EOF

dn() { echo "/emailAddress=$1/C=GB/ST=London/L=City of London/O=$2/OU=Engg/CN=$3"; }

# A positive random 128-bit serial (first hex digit kept below 8).
serial() { echo "0x$(openssl rand -hex 16 | sed 's/^./7/')"; }

# issue NAME PROFILE SAN SUBJECT CA_CERT CA_KEY: writes $work/NAME.key (PKCS#8, as
# `openssl req -keyout` gives) and $work/NAME.crt signed by the CA.
issue() {
  local name=$1 profile=$2 san=$3 subject=$4 ca_cert=$5 ca_key=$6
  SAN=$san openssl req -new -newkey rsa:2048 -nodes -config "$work/ext.cnf" \
    -subj "$subject" -keyout "$work/$name.key" -out "$work/$name.csr" 2>/dev/null
  SAN=$san openssl x509 -req -in "$work/$name.csr" -CA "$ca_cert" -CAkey "$ca_key" \
    -set_serial "$(serial)" -days "$days" -sha256 \
    -extfile "$work/ext.cnf" -extensions "$profile" -out "$work/$name.crt" 2>/dev/null
}

# make_ca NAME SUBJECT: a self-signed root.
make_ca() {
  SAN=unused openssl req -x509 -new -newkey rsa:2048 -nodes -config "$work/ext.cnf" -extensions ca \
    -subj "$2" -days "$days" -sha256 -set_serial "$(serial)" \
    -keyout "$work/$1.key" -out "$work/$1.crt" 2>/dev/null
}

# make_intermediate NAME SUBJECT: an issuing CA under the root.
make_intermediate() {
  SAN=unused openssl req -new -newkey rsa:2048 -nodes -config "$work/ext.cnf" \
    -subj "$2" -keyout "$work/$1.key" -out "$work/$1.csr" 2>/dev/null
  SAN=unused openssl x509 -req -in "$work/$1.csr" -CA "$work/myCA.crt" \
    -CAkey "$work/myCA.key" -set_serial "$(serial)" -days "$days" -sha256 \
    -extfile "$work/ext.cnf" -extensions intermediate -out "$work/$1.crt" 2>/dev/null
}

# put SRC DEST: copies with the mode a private key or a certificate should have.
put() {
  mkdir -p "$(dirname "$2")"
  rm -f "$2"
  cp "$1" "$2"
  case "$2" in
    *Key*.pem | *key*.pem | *CertAndKeyCombined.pem) chmod 600 "$2" ;;
    *) chmod 644 "$2" ;;
  esac
}

# traditional KEY: PKCS#1 "RSA PRIVATE KEY", what `openssl rsa` printed before OpenSSL 3
# and what every OpenSSL's proxy-bundle reader accepts.
traditional() { openssl rsa -in "$1" -traditional 2>/dev/null; }

# bundle CERT KEY: the tutorial's apacheAsClientCertAndKeyCombined.pem.
bundle() { { openssl x509 -in "$1"; traditional "$2"; } >"$work/bundle.pem"; }

root_subject=$(dn ca@somecompany.com "My CA Organization" "My Private Root CA")
apache_subject=$(dn apacheAdmin@admin.com "My Organization" apache.server.name)
gunicorn_subject=$(dn apacheAdmin@admin.com "My Organization" gunicorn.app.server)
client_subject=$(dn client@somecompany.com "client Organization" client.full.domain.name)

make_ca myCA "$root_subject"
ca=("$work/myCA.crt" "$work/myCA.key")
issue apacheServer server apache.server.name "$apache_subject" "${ca[@]}"
issue apacheAsClient client apache.server.name "$apache_subject" "${ca[@]}"
issue gunicorn server gunicorn.app.server "$gunicorn_subject" "${ca[@]}"
issue aClient client client.full.domain.name "$client_subject" "${ca[@]}"

# --- seed: the tutorial's layout -------------------------------------------------------
put "$work/myCA.key" seed/ca/myCAkey.pem
put "$work/myCA.crt" seed/ca/myCA.crt
put "$work/myCA.crt" seed/sslCerts/myCA.crt
put "$work/apacheServer.crt" seed/sslCerts/apacheServerCert.pem
put "$work/apacheServer.key" seed/sslCerts/apacheServerKey.pem
bundle "$work/apacheAsClient.crt" "$work/apacheAsClient.key"
put "$work/bundle.pem" seed/sslCerts/apacheAsClientCertAndKeyCombined.pem
put "$work/gunicorn.crt" seed/flaskApp/certs/gunicornCert.pem
put "$work/gunicorn.key" seed/flaskApp/certs/gunicornServerKey.pem
put "$work/myCA.crt" seed/flaskApp/certs/myCA.crt
put "$work/aClient.crt" seed/client/certs/aClientCert.pem
put "$work/aClient.key" seed/client/certs/aClientKey.pem
put "$work/myCA.crt" seed/client/certs/myCA.crt

# seed_certs CASE: the seed's sslCerts/ copied into a broken case, to be altered there.
seed_certs() {
  for f in seed/sslCerts/*; do put "$f" "broken/$1/sslCerts/$(basename "$f")"; done
}

# --- glued-bundle: no newline between END CERTIFICATE and BEGIN RSA PRIVATE KEY --------
seed_certs glued-bundle
{ openssl x509 -in "$work/apacheAsClient.crt" | head -c -1
  traditional "$work/apacheAsClient.key"; } >"$work/glued.pem"

put "$work/glued.pem" broken/glued-bundle/sslCerts/apacheAsClientCertAndKeyCombined.pem

# --- wrong-key: the tutorial also copies apacheAsClientKey.pem into sslCerts -----------
seed_certs wrong-key
put "$work/apacheAsClient.key" broken/wrong-key/sslCerts/apacheAsClientKey.pem

# --- server-auth-only-client-cert: proxy client cert made with the server profile ------
seed_certs server-auth-only-client-cert
issue apacheAsClientServerProfile server apache.server.name "$apache_subject" "${ca[@]}"
bundle "$work/apacheAsClientServerProfile.crt" "$work/apacheAsClientServerProfile.key"
put "$work/bundle.pem" \
  broken/server-auth-only-client-cert/sslCerts/apacheAsClientCertAndKeyCombined.pem

# --- encrypted-proxy-key: the bundle's key kept under a pass phrase ---------------------
seed_certs encrypted-proxy-key
{ openssl x509 -in "$work/apacheAsClient.crt"
  openssl rsa -in "$work/apacheAsClient.key" -traditional -aes256 \
    -passout pass:example-only 2>/dev/null; } >"$work/encrypted.pem"
put "$work/encrypted.pem" broken/encrypted-proxy-key/sslCerts/apacheAsClientCertAndKeyCombined.pem

# --- depth-too-small: a client issued by an intermediate; curl sends leaf + intermediate
make_intermediate clientIssuingCA "$(dn ca@somecompany.com "My CA Organization" \
  "My Client Issuing CA")"
issue aClientViaIntermediate client client.full.domain.name "$client_subject" \
  "$work/clientIssuingCA.crt" "$work/clientIssuingCA.key"
cat "$work/aClientViaIntermediate.crt" "$work/clientIssuingCA.crt" >"$work/client-chain.pem"
put "$work/clientIssuingCA.key" broken/depth-too-small/ca/clientIssuingCAkey.pem
put "$work/clientIssuingCA.crt" broken/depth-too-small/ca/clientIssuingCA.crt
put "$work/client-chain.pem" broken/depth-too-small/client/certs/aClientCert.pem
put "$work/aClientViaIntermediate.key" broken/depth-too-small/client/certs/aClientKey.pem
put "$work/myCA.crt" broken/depth-too-small/client/certs/myCA.crt

# --- proxy-depth-too-small: gunicorn's cert under an intermediate, chain sent by gunicorn
make_intermediate backendIssuingCA "$(dn ca@somecompany.com "My CA Organization" \
  "My Backend Issuing CA")"
issue gunicornViaIntermediate server gunicorn.app.server "$gunicorn_subject" \
  "$work/backendIssuingCA.crt" "$work/backendIssuingCA.key"
cat "$work/gunicornViaIntermediate.crt" "$work/backendIssuingCA.crt" >"$work/backend-chain.pem"
put "$work/backendIssuingCA.key" broken/proxy-depth-too-small/ca/backendIssuingCAkey.pem
put "$work/backendIssuingCA.crt" broken/proxy-depth-too-small/ca/backendIssuingCA.crt
put "$work/backend-chain.pem" broken/proxy-depth-too-small/flaskApp/certs/gunicornCert.pem
put "$work/gunicornViaIntermediate.key" \
  broken/proxy-depth-too-small/flaskApp/certs/gunicornServerKey.pem
put "$work/myCA.crt" broken/proxy-depth-too-small/flaskApp/certs/myCA.crt

echo "examples PKI written under $(pwd)"
