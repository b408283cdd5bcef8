#!/usr/bin/env bash
# Installs or updates vmss-runner-scaler on the scaler VM: the deployment runs it as root through a
# VM run command (deploy/modules/scaler-vm.bicep) whenever a parameter changes. Idempotent.
#   - the scripts, the systemd unit and the Caddyfile of deploy/scaler (base64 parameters);
#   - the service's settings, /etc/vmss-runner-scaler/scaler.env;
#   - the service's build, downloaded again only when its URL or checksum changed;
#   - then (re)starts the service and Caddy.
#
# Environment (the run command's parameters):
#   SCALER_ENV_B64                              the SCALER_* settings, one KEY=value a line, base64
#   SCALER_ARTIFACT_URL, SCALER_ARTIFACT_SHA256 the build to install (install-scaler.sh)
#   PUBLIC_HOST, ACME_EMAIL, WEBHOOK_PORT       the webhook's TLS site (Caddy)
#   SERVICE_PORT                                the service's HTTP port
#   INSTALL_SCALER_SH_B64, RUN_SCALER_SH_B64, SERVICE_UNIT_B64, CADDYFILE_B64   the files, base64
#   ROOT, SYSTEMCTL, WAIT_FOR_CLOUD_INIT        for tests: a scratch root, a stand-in for systemctl, 0
set -euo pipefail

root=${ROOT:-}
systemctl=${SYSTEMCTL:-systemctl}
service_port=${SERVICE_PORT:?}
webhook_port=${WEBHOOK_PORT:?}
public_host=${PUBLIC_HOST:?}
acme_email=${ACME_EMAIL:?}
artifact="${SCALER_ARTIFACT_URL:?} ${SCALER_ARTIFACT_SHA256:-}"

log() { echo "configure-scaler: $*" >&2; }
decode() { printf '%s' "$1" | base64 -d; }
# A value as a sed replacement: &, | and \ stand for themselves.
lit() { printf '%s' "$1" | sed 's/[&|\\]/\\&/g'; }

# The first boot's cloud-init (user, packages) must be done before anything is installed.
if [[ ${WAIT_FOR_CLOUD_INIT:-1} == 1 ]]; then
  cloud-init status --wait >/dev/null || log "cloud-init reported a problem; going on"
fi

app_dir=$root/opt/vmss-runner-scaler
etc_dir=$root/etc/vmss-runner-scaler
mkdir -p "$app_dir" "$etc_dir" "$root/etc/systemd/system" "$root/etc/caddy"
decode "${INSTALL_SCALER_SH_B64:?}" >"$app_dir/install-scaler.sh"
decode "${RUN_SCALER_SH_B64:?}" >"$app_dir/run-scaler.sh"
chmod 0755 "$app_dir/install-scaler.sh" "$app_dir/run-scaler.sh"
decode "${SERVICE_UNIT_B64:?}" >"$root/etc/systemd/system/vmss-runner-scaler.service"

{
  decode "${SCALER_ENV_B64:?}"
  echo "QUARKUS_HTTP_PORT=$service_port"
} >"$etc_dir/scaler.env.new"
chmod 0644 "$etc_dir/scaler.env.new"
mv "$etc_dir/scaler.env.new" "$etc_dir/scaler.env"

decode "${CADDYFILE_B64:?}" | sed -e "s|__PUBLIC_HOST__|$(lit "$public_host")|g" \
  -e "s|__ACME_EMAIL__|$(lit "$acme_email")|g" \
  -e "s|__WEBHOOK_PORT__|$(lit "$webhook_port")|g" \
  -e "s|__SERVICE_PORT__|$(lit "$service_port")|g" >"$root/etc/caddy/Caddyfile"

if [[ $(cat "$etc_dir/installed-artifact" 2>/dev/null || true) != "$artifact" ]]; then
  INSTALL_DIR=$app_dir STATE_DIR=$root/var/lib/vmss-runner-scaler "$app_dir/install-scaler.sh"
  # the URL may carry a SAS token: root only
  (umask 077 && printf '%s' "$artifact" >"$etc_dir/installed-artifact")
else
  log "build unchanged: ${SCALER_ARTIFACT_URL%%\?*}"
fi

"$systemctl" daemon-reload
"$systemctl" enable vmss-runner-scaler.service
"$systemctl" restart vmss-runner-scaler.service
"$systemctl" reload-or-restart caddy.service
log "vmss-runner-scaler configured"
