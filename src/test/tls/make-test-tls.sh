#!/usr/bin/env bash
# Makes the TLS material of the local HTTPS fakes (ARM, Key Vault, GitHub) used by the tests:
# a key pair whose certificate covers 127.0.0.1 and localhost (the Azure SDK refuses plain http),
# and a trust store holding just that certificate, which surefire makes the JVM's default.
# Nothing is trusted blindly.  Usage: make-test-tls.sh OUT_DIR
set -euo pipefail
out=${1:?usage: make-test-tls.sh OUT_DIR}
[[ -f $out/truststore.p12 && -f $out/fakes.p12 ]] && exit 0
mkdir -p "$out"
rm -f "$out/fakes.p12" "$out/fakes.crt" "$out/truststore.p12"
keytool -genkeypair -alias fakes -keyalg RSA -keysize 2048 -validity 30 -dname CN=localhost \
  -ext SAN=ip:127.0.0.1,dns:localhost -keystore "$out/fakes.p12" -storetype PKCS12 \
  -storepass changeit -keypass changeit >/dev/null 2>&1
keytool -exportcert -rfc -alias fakes -keystore "$out/fakes.p12" -storepass changeit -file "$out/fakes.crt" >/dev/null 2>&1
keytool -importcert -noprompt -alias fakes -file "$out/fakes.crt" -keystore "$out/truststore.p12" \
  -storetype PKCS12 -storepass changeit >/dev/null 2>&1
