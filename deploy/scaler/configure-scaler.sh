#!/usr/bin/env bash
# Installs or updates vmss-runner-scaler on the scaler VM: the deployment runs it as root through a
# VM run command (deploy/modules/scaler-vm.bicep) whenever a parameter changes. Idempotent.
#   - the scripts, the systemd unit and the Caddyfile of deploy/scaler (base64 parameters);
#   - the service's settings, /etc/vmss-runner-scaler/scaler.env;
#   - the service's build, downloaded again only when its URL or checksum changed;
#   - the service's log file /var/log/vmss-runner-scaler/scaler.json and its logrotate rule;
#   - with METRICS_REMOTE_WRITE_URL, the metrics agent: Prometheus (downloaded again only when its
#     version or checksum changed) in agent mode, its configuration, the units that run it and fetch
#     the operator token; without, that agent is stopped if it was there;
#   - then (re)starts the service, Caddy and the metrics agent.
#
# Environment (the run command's parameters):
#   SCALER_ENV_B64                              the SCALER_* settings, one KEY=value a line, base64
#   SCALER_ARTIFACT_URL, SCALER_ARTIFACT_SHA256 the build to install (install-scaler.sh)
#   PUBLIC_HOST, ACME_EMAIL, WEBHOOK_PORT       the webhook's TLS site (Caddy)
#   SERVICE_PORT                                the service's HTTP port
#   INSTALL_SCALER_SH_B64, RUN_SCALER_SH_B64, SERVICE_UNIT_B64, CADDYFILE_B64   the files, base64
#   LOGROTATE_CONF_B64                          the log file's logrotate rule, base64
#   METRICS_REMOTE_WRITE_URL                    the Azure Monitor workspace's remote-write URL; empty: no metrics agent
#   PROMETHEUS_VERSION, PROMETHEUS_SHA256       the Prometheus release to install (install-prometheus.sh)
#   PROMETHEUS_YML_B64, METRICS_UNIT_B64, METRICS_TOKEN_UNIT_B64, METRICS_TOKEN_TIMER_B64,
#   METRICS_TOKEN_SH_B64, INSTALL_PROMETHEUS_SH_B64                             the metrics agent's files, base64
#   ROOT, SYSTEMCTL, WAIT_FOR_CLOUD_INIT        for tests: a scratch root, a stand-in for systemctl, 0
set -euo pipefail

root=${ROOT:-}
systemctl=${SYSTEMCTL:-systemctl}
service_port=${SERVICE_PORT:?}
webhook_port=${WEBHOOK_PORT:?}
public_host=${PUBLIC_HOST:?}
acme_email=${ACME_EMAIL:?}
artifact="${SCALER_ARTIFACT_URL:?} ${SCALER_ARTIFACT_SHA256:-}"
remote_write_url=${METRICS_REMOTE_WRITE_URL:-}
prometheus="${PROMETHEUS_VERSION:-} ${PROMETHEUS_SHA256:-}"

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

# The service's log: systemd appends its standard output to this file (the unit's StandardOutput=),
# the Azure Monitor agent reads it (deploy/modules/monitoring.bicep), logrotate keeps it small. Made
# here, readable by all (it holds no secret; the agent's user must read it), so that systemd finds it.
log_dir=$root/var/log/vmss-runner-scaler
mkdir -p "$log_dir" "$root/etc/logrotate.d"
chmod 0755 "$log_dir"
[[ -e $log_dir/scaler.json ]] || : >"$log_dir/scaler.json"
chmod 0644 "$log_dir/scaler.json"
decode "${LOGROTATE_CONF_B64:?}" >"$root/etc/logrotate.d/vmss-runner-scaler"
chmod 0644 "$root/etc/logrotate.d/vmss-runner-scaler"

if [[ $(cat "$etc_dir/installed-artifact" 2>/dev/null || true) != "$artifact" ]]; then
  INSTALL_DIR=$app_dir STATE_DIR=$root/var/lib/vmss-runner-scaler "$app_dir/install-scaler.sh"
  # the URL may carry a SAS token: root only
  (umask 077 && printf '%s' "$artifact" >"$etc_dir/installed-artifact")
else
  log "build unchanged: ${SCALER_ARTIFACT_URL%%\?*}"
fi

# The metrics agent (deploy/README.md, "Monitoring"): the files always, so that they match this build.
metrics_dir=$etc_dir/metrics
metrics_unit=$root/etc/systemd/system/vmss-scaler-metrics.service
metrics_was_installed=no
[[ -f $metrics_unit ]] && metrics_was_installed=yes
if [[ -n $remote_write_url ]]; then
  # the identity the agent signs in with: the scaler's (a KEY=value line of the settings, never evaluated)
  client_id=$(sed -n 's/^SCALER_AZURE_CLIENT_ID=//p' "$etc_dir/scaler.env" | tail -n 1)
  if [[ -z $client_id ]]; then
    log "the metrics agent needs SCALER_AZURE_CLIENT_ID in the settings"
    exit 1
  fi
  mkdir -p "$metrics_dir" "$root/opt/vmss-scaler-metrics"
  decode "${METRICS_TOKEN_SH_B64:?}" >"$app_dir/metrics-token.sh"
  decode "${INSTALL_PROMETHEUS_SH_B64:?}" >"$app_dir/install-prometheus.sh"
  chmod 0755 "$app_dir/metrics-token.sh" "$app_dir/install-prometheus.sh"
  decode "${METRICS_UNIT_B64:?}" >"$metrics_unit"
  decode "${METRICS_TOKEN_UNIT_B64:?}" >"$root/etc/systemd/system/vmss-scaler-metrics-token.service"
  decode "${METRICS_TOKEN_TIMER_B64:?}" >"$root/etc/systemd/system/vmss-scaler-metrics-token.timer"
  decode "${PROMETHEUS_YML_B64:?}" | sed -e "s|__REMOTE_WRITE_URL__|$(lit "$remote_write_url")|g" \
    -e "s|__CLIENT_ID__|$(lit "$client_id")|g" \
    -e "s|__SERVICE_PORT__|$(lit "$service_port")|g" >"$metrics_dir/prometheus.yml"
  chmod 0755 "$metrics_dir"
  chmod 0644 "$metrics_dir/prometheus.yml"
  # the credential file must be there for the agent to start; empty until the token is fetched
  [[ -e $metrics_dir/operator-token ]] || (umask 077 && : >"$metrics_dir/operator-token")
  if [[ $(cat "$metrics_dir/installed-prometheus" 2>/dev/null || true) != "$prometheus" ]]; then
    PROMETHEUS_VERSION=${PROMETHEUS_VERSION:?} INSTALL_DIR=$root/opt/vmss-scaler-metrics "$app_dir/install-prometheus.sh"
    printf '%s' "$prometheus" >"$metrics_dir/installed-prometheus"
  fi
fi

"$systemctl" daemon-reload
"$systemctl" enable vmss-runner-scaler.service
"$systemctl" restart vmss-runner-scaler.service
"$systemctl" reload-or-restart caddy.service
if [[ -n $remote_write_url ]]; then
  # a token that cannot be read yet (the role assignment not applied, the secret not set) is no reason
  # to fail the deployment: the timer tries again every 15 minutes
  "$systemctl" start vmss-scaler-metrics-token.service \
    || log "the operator token could not be read from Key Vault yet; vmss-scaler-metrics-token.timer tries again"
  "$systemctl" enable --now vmss-scaler-metrics-token.timer
  "$systemctl" enable vmss-scaler-metrics.service
  "$systemctl" restart vmss-scaler-metrics.service
  log "metrics agent configured"
elif [[ $metrics_was_installed == yes ]]; then
  "$systemctl" disable --now vmss-scaler-metrics.service vmss-scaler-metrics-token.timer || true
  log "metrics agent stopped (no remote-write URL)"
fi
log "vmss-runner-scaler configured"
