#!/usr/bin/env bash
# Makes the certificates of the tests' fake Azure instance metadata service (IMDS) attested documents,
# shaped like Azure's: a root CA, an intermediate CA signed by it, and a signer "metadata.azure.com"
# signed by the intermediate (key usage digitalSignature); plus an unrelated "untrusted" root whose own
# signer is also named metadata.azure.com. keytool only (every JDK has it). Nothing here is a secret:
# the key stores' password is changeit, as for make-test-tls.sh.
#
# Out (OUT_DIR): root.pem, intermediate.pem, untrusted-root.pem (certificates, PEM);
#   intermediate.p12 (the intermediate's key, for tests that issue their own leaves, e.g. with an AIA URL),
#   signer.p12, untrusted-signer.p12 (alias "signer": key and chain, leaf first).
# Idempotent: does nothing when every output is there.  Usage: make-test-attestation.sh OUT_DIR
set -euo pipefail
out=${1:?usage: make-test-attestation.sh OUT_DIR}
files=(root.pem intermediate.pem intermediate.p12 signer.p12 untrusted-root.pem untrusted-signer.p12)
all=1
for f in "${files[@]}"; do [[ -f $out/$f ]] || all=0; done
((all)) && exit 0
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pw=(-storepass changeit -keypass changeit -storetype PKCS12)
days=3650

kt() { keytool "$@" >/dev/null 2>&1 || { echo "make-test-attestation.sh: keytool $* failed" >&2; keytool "$@"; exit 1; }; }

# A self-signed CA: alias ca in $work/$1.p12, certificate in $work/$1.pem
root() {
  kt -genkeypair -alias ca -keyalg RSA -keysize 2048 -validity $days -dname "$2" \
    -ext bc:c=ca:true -ext ku:c=keyCertSign,cRLSign -keystore "$work/$1.p12" "${pw[@]}"
  kt -exportcert -rfc -alias ca -keystore "$work/$1.p12" -storepass changeit -file "$work/$1.pem"
}

# A key pair in $work/$1.p12 (alias $2, subject $3) whose certificate the CA in $work/$4.p12 signs
# with extensions $5...; the key store then holds the chain up to the CA's root (file $work/$4.chain).
issue() {
  local store=$1 alias=$2 dname=$3 ca=$4; shift 4
  kt -genkeypair -alias "$alias" -keyalg RSA -keysize 2048 -validity $days -dname "$dname" \
    -keystore "$work/$store.p12" "${pw[@]}"
  kt -certreq -alias "$alias" -keystore "$work/$store.p12" -storepass changeit -file "$work/$store.csr"
  local ext=()
  for e in "$@"; do ext+=(-ext "$e"); done
  kt -gencert -rfc -alias ca -keystore "$work/$ca.p12" -storepass changeit -validity $days \
    -infile "$work/$store.csr" -outfile "$work/$store.pem" "${ext[@]}"
  cat "$work/$store.pem" "$work/$ca.chain" > "$work/$store.chain"
  kt -importcert -noprompt -alias "$alias" -file "$work/$store.chain" -keystore "$work/$store.p12" "${pw[@]}"
}

root root "CN=Test IMDS Attestation Root CA,O=vmss-runner-scaler tests"
cp "$work/root.pem" "$work/root.chain"
issue intermediate ca "CN=Test IMDS Attestation Intermediate CA,O=vmss-runner-scaler tests" root \
  bc:c=ca:true,pathlen:0 ku:c=keyCertSign,cRLSign
issue signer signer "CN=metadata.azure.com" intermediate ku:c=digitalSignature san=dns:metadata.azure.com

root untrusted-root "CN=Test IMDS Untrusted Root CA,O=vmss-runner-scaler tests"
cp "$work/untrusted-root.pem" "$work/untrusted-root.chain"
issue untrusted-signer signer "CN=metadata.azure.com" untrusted-root ku:c=digitalSignature san=dns:metadata.azure.com

cp "$work/root.pem" "$work/intermediate.pem" "$work/untrusted-root.pem" \
  "$work/intermediate.p12" "$work/signer.p12" "$work/untrusted-signer.p12" "$out/"
