#!/usr/bin/env bash
# Throwaway TLS material for a development cluster, made with openssl (never use it in production).
#   scripts/dev-certs.sh DIR NAME...
# Creates DIR/ca.crt and DIR/ca.key (a CA valid 30 days, made once per DIR) and, for each NAME,
# DIR/NAME.crt and DIR/NAME.key: a P-256 certificate signed by that CA, CN=NAME, usable as server and
# client certificate (extendedKeyUsage serverAuth, clientAuth), with subjectAltName localhost and 127.0.0.1.
# The same three files per process (cert, key, CA) are what Silo:Tls:* and the CLI's --tls-* options take,
# and what a Kubernetes Secret of type kubernetes.io/tls (plus ca.crt) mounts.
set -euo pipefail
[[ $# -ge 2 ]] || { echo "usage: $0 DIR NAME..." >&2; exit 2; }
command -v openssl >/dev/null || { echo "openssl not found: apt-get install openssl" >&2; exit 1; }
dir="$1"; shift
mkdir -p "$dir"
umask 077

if [[ ! -f "$dir/ca.crt" ]]; then
  # The CN carries a random suffix so two throwaway CAs never look alike in a message.
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
    -subj "/CN=OrleansConfusion dev CA $(openssl rand -hex 4)" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "$dir/ca.key" -out "$dir/ca.crt" 2>/dev/null
fi

for name in "$@"; do
  ext="$(mktemp)"
  printf '%s\n' "basicConstraints=CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
    "extendedKeyUsage=serverAuth,clientAuth" "subjectAltName=DNS:localhost,IP:127.0.0.1" > "$ext"
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$name" \
    -keyout "$dir/$name.key" -out "$dir/$name.csr" 2>/dev/null
  openssl x509 -req -in "$dir/$name.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -set_serial "0x$(openssl rand -hex 16)" \
    -days 30 -extfile "$ext" -out "$dir/$name.crt" 2>/dev/null
  rm -f "$dir/$name.csr" "$ext"
done
# The certificates are public; the keys stay 0600.
chmod 644 "$dir"/*.crt
