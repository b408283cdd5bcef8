#!/usr/bin/env bash
# Installs what the deployment checks under src/test/java/.../deploy need, when it is missing:
# cloud-init (`cloud-init schema`, and python3-yaml with it, which parses the workflows), the
# linter ShellCheck, logrotate (the scaler's log file rule is run for real), and Chromium, in which
# StatusPageBrowserTest drives the status page (through playwright-core from src/test/npm, which
# downloads no browser of its own). Run by the build
# (exec-maven-plugin, generate-test-resources) before the tests.
# Installs only with apt-get, as root or with passwordless sudo; elsewhere it says what is missing and leaves it to the
# tests, which then fail (they never skip).
set -euo pipefail

missing=()
command -v cloud-init >/dev/null 2>&1 || missing+=(cloud-init)
command -v shellcheck >/dev/null 2>&1 || missing+=(shellcheck)
command -v logrotate >/dev/null 2>&1 || [[ -x /usr/sbin/logrotate ]] || missing+=(logrotate)
python3 -c 'import yaml' >/dev/null 2>&1 || missing+=(python3-yaml)
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
if ((${#missing[@]} == 0)); then
  exit 0
fi

# root, or a CI machine's passwordless sudo
as_root=()
if [[ $(id -u) != 0 ]]; then
  if sudo -n true >/dev/null 2>&1; then
    as_root=(sudo -n)
  else
    as_root=(unavailable)
  fi
fi
if [[ ${as_root[*]} == unavailable ]] || ! command -v apt-get >/dev/null 2>&1; then
  echo "install-tools: missing ${missing[*]}; install them (e.g. apt-get install ${missing[*]}); the deployment checks fail without them" >&2
  exit 0
fi

echo "install-tools: installing ${missing[*]}" >&2
install() {
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}
# The package lists may be stale or absent on a fresh machine: update only when needed.
if ! install; then
  "${as_root[@]}" apt-get update -q >/dev/null
  install
fi
