#!/usr/bin/env bash
# A throwaway certificate authority for s2s tests with real certificate
# checks (SASL EXTERNAL, s2s_secure_auth = true).
#
#   tests/interop/ca.sh CADIR DOMAIN...
#
# Creates CADIR/ca.crt and CADIR/ca.key once (CA:TRUE, 7 days), then for
# each DOMAIN that has none yet, CADIR/DOMAIN.key and CADIR/DOMAIN.crt
# signed by it: CA:FALSE, subjectAltName DNS:DOMAIN, CN=DOMAIN, no
# extendedKeyUsage. The same certificate serves as TLS server certificate
# (inbound s2s, c2s) and as TLS client certificate (outbound s2s), and an
# EKU would have to list both serverAuth and clientAuth; none allows both.
# Safe to run concurrently for the same CADIR (flock on CADIR/.lock).
set -euo pipefail

if [ $# -lt 2 ]; then
  echo "usage: $0 CADIR DOMAIN..." >&2
  exit 2
fi
cadir=$1
shift
mkdir -p "$cadir"
exec 9>"$cadir/.lock"
flock 9

if [ ! -s "$cadir/ca.crt" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 7 -subj "/CN=netlab interop test CA" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
    -keyout "$cadir/ca.key" -out "$cadir/ca.crt" 2>/dev/null
fi
for domain in "$@"; do
  [ -s "$cadir/$domain.crt" ] && continue
  openssl req -newkey rsa:2048 -nodes -subj "/CN=$domain" \
    -keyout "$cadir/$domain.key" -out "$cadir/$domain.csr" 2>/dev/null
  printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nsubjectAltName=DNS:%s\n' "$domain" >"$cadir/$domain.ext"
  openssl x509 -req -in "$cadir/$domain.csr" -CA "$cadir/ca.crt" -CAkey "$cadir/ca.key" \
    -CAcreateserial -days 7 -extfile "$cadir/$domain.ext" -out "$cadir/$domain.crt" 2>/dev/null
  rm -f "$cadir/$domain.csr" "$cadir/$domain.ext"
done
