#!/usr/bin/env bash
# What people script today to pre-check a tree of vhosts: per vhost, verify the server and
# the proxy-client certificates against the CA, and compare each certificate's public key
# with its private key's (x509 -pubkey vs pkey -pubout). Exit 1 if any vhost fails.
# Usage: openssl-loop.sh TREE_ROOT VHOST_COUNT   (layout from bench/tree.ts)
set -u
root=$1
count=$2
ca=$root/ssl/ca.crt
failed=0
for ((index = 0; index < count; index++)); do
  dir=$root/ssl/vhost$(printf '%04d' "$index")
  for pair in "server.crt server.key" "proxy-client.pem proxy-client.pem"; do
    read -r cert key <<<"$pair"
    openssl verify -CAfile "$ca" "$dir/$cert" >/dev/null || failed=1
    cert_pub=$(openssl x509 -in "$dir/$cert" -noout -pubkey)
    key_pub=$(openssl pkey -in "$dir/$key" -pubout)
    [[ "$cert_pub" == "$key_pub" ]] || { echo "key mismatch: $dir/$cert" >&2; failed=1; }
  done
done
exit $failed
