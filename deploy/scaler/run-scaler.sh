#!/usr/bin/env bash
# ExecStart of vmss-runner-scaler.service: runs the native binary when installed, else the JVM
# build. On JDK 25 or newer the JVM build keeps an AOT cache in the state directory: the first
# run records it (written when the service stops), later runs start from it.
set -euo pipefail

install_dir=${INSTALL_DIR:-/opt/vmss-runner-scaler}
state_dir=${STATE_DIRECTORY:-/var/lib/vmss-runner-scaler}

if [[ -x $install_dir/vmss-runner-scaler ]]; then
  exec "$install_dir/vmss-runner-scaler"
fi

jar=$install_dir/app/quarkus-run.jar
if [[ ! -f $jar ]]; then
  echo "vmss-runner-scaler: neither $install_dir/vmss-runner-scaler nor $jar is installed" >&2
  exit 1
fi
java_options=()
if java -XX:+UnlockDiagnosticVMOptions -XX:+PrintFlagsFinal -version 2>/dev/null | grep -q '\bAOTCacheOutput\b'; then
  if [[ -f $state_dir/app.aot ]]; then
    java_options+=("-XX:AOTCache=$state_dir/app.aot")
  else
    java_options+=("-XX:AOTCacheOutput=$state_dir/app.aot")
  fi
fi
# shellcheck disable=SC2086 # JAVA_OPTS is a list of options, split on purpose
exec java "${java_options[@]}" ${JAVA_OPTS:-} -jar "$jar"
