#!/usr/bin/env bash
# Runs `az deployment group what-if` or `create` for deploy/main.bicep with the parameters taken
# from the environment (as .github/workflows/deploy.yml sets them; deploy/README.md lists them).
# The runner capacity is the scale set's current one, so a deployment never lowers it; for a pool
# over several scale sets (RUNNER_SCALE_SETS: the runnerScaleSets array as JSON, or @FILE holding
# it), every scale set's of the resource group (runnerCapacities).
# Missed deliveries: the scaler redelivers failed webhook deliveries when it knows the webhook's id
# (githubHookId). GITHUB_HOOK_ID gives it; else, with a token that may manage webhooks
# (GITHUB_ADMIN_TOKEN or GH_TOKEN), the webhook of GITHUB_SCOPE whose URL is this deployment's
# webhookUrl is looked up, and after `create` made if there is none and WEBHOOK_SECRET is set; a
# newly found id is deployed at once. GITHUB_APP_HOOK=true (a GitHub App's own webhook): none of
# that, the App's webhook is used (deploy/README.md, "Missed deliveries"). ALERT_WAIT_THRESHOLD and
# ALERT_EMAIL set the alert on waiting jobs (deploy/README.md, "Monitoring").
# The scaler build: SCALER_ARTIFACT_URL, or a release of SCALER_RELEASE_REPO (SCALER_VERSION,
# SCALER_BUILD), with SCALER_ARTIFACT_SHA256 or the .sha256 file beside it (scaler-artifact.sh).
# Usage: deploy.sh what-if|create
set -euo pipefail

mode=${1:?usage: deploy.sh what-if|create}
here=$(cd "$(dirname "$0")" && pwd)
group=${RESOURCE_GROUP:?}
scale_set=${RUNNER_SCALE_SET_NAME:-vmss-runners}

capacity=$("$here/current-capacity.sh" "$group" "$scale_set")
echo "runner scale set $scale_set: deploying with capacity $capacity"
capacities=$("$here/current-capacity.sh" "$group")
echo "runner scale sets of $group: deploying with capacities $capacities"
# Where runners register (GITHUB_SCOPE) plays no part here: the build comes from a release repository.
artifact_url=$("$here/scaler-artifact.sh" url)
artifact_sha256=$("$here/scaler-artifact.sh" sha256)
echo "scaler build: ${artifact_url%%\?*} (SHA-256 ${artifact_sha256:-not checked})"

parameters=(
  "runnerScaleSetName=$scale_set"
  "scalerVmName=${SCALER_VM_NAME:-vmss-scaler}"
  "githubRepository=${GITHUB_SCOPE:?}"
  "runnerLabels=${RUNNER_LABELS:-linux,x64}"
  "poolMinInstances=${POOL_MIN_INSTANCES:-1}"
  "poolMaxInstances=${POOL_MAX_INSTANCES:-10}"
  "poolFreeTargetPercentage=${POOL_FREE_TARGET_PERCENTAGE:-25}"
  "poolMinIdle=${POOL_MIN_IDLE:-0}"
  "useSpot=${USE_SPOT:-false}"
  "rerunLostJobs=${RERUN_LOST_JOBS:-false}"
  "sshPublicKey=${SSH_PUBLIC_KEY:?set the repository variable SSH_PUBLIC_KEY}"
  "acmeEmail=${ACME_EMAIL:?set the repository variable ACME_EMAIL}"
  "scalerArtifactUrl=$artifact_url"
  "scalerArtifactSha256=$artifact_sha256"
  "runnerImageId=${RUNNER_IMAGE_ID:-}"
  "githubAppId=${GITHUB_APP_ID:-}"
  "githubAppInstallationId=${GITHUB_APP_INSTALLATION_ID:-}"
  "secretsOfficerPrincipalId=${SECRETS_OFFICER_PRINCIPAL_ID:-}"
  "secretsOfficerPrincipalType=${SECRETS_OFFICER_PRINCIPAL_TYPE:-User}"
  "alertWaitThreshold=${ALERT_WAIT_THRESHOLD:-900}"
  "alertEmail=${ALERT_EMAIL:-}"
  "runnerCapacity=$capacity"
  "runnerCapacities=$capacities"
)
# The webhook's id: given, or that of the webhook the last deployment's URL already has.
app_hook=${GITHUB_APP_HOOK:-false}
hook_id=${GITHUB_HOOK_ID:-}
hook_scope=${GITHUB_HOOK_SCOPE:-$GITHUB_SCOPE}
manage_hook=no
if [[ -z $hook_id && $app_hook != true && -n ${GITHUB_ADMIN_TOKEN:-${GH_TOKEN:-}} ]]; then
  manage_hook=yes
  previous_url=$(az deployment group show --resource-group "$group" --name vmss-runner-scaler \
    --query properties.outputs.webhookUrl.value --output tsv 2>/dev/null || true)
  if [[ -n $previous_url ]]; then
    hook_id=$("$here/github-webhook.sh" find "$hook_scope" "$previous_url")
  fi
fi
parameters+=("githubHookId=$hook_id" "githubHookScope=$hook_scope" "githubAppHook=$app_hook")
if [[ -z $hook_id && $app_hook != true ]]; then
  echo "no webhook id: failed deliveries will not be redelivered (set GITHUB_HOOK_ID, or GITHUB_ADMIN_TOKEN to find or create the webhook)"
fi
if [[ -n ${RUNNER_SCALE_SETS:-} ]]; then
  parameters+=("runnerScaleSets=$RUNNER_SCALE_SETS")
fi
if [[ -n ${LOCATION:-} ]]; then
  parameters+=("location=$LOCATION")
fi

case $mode in
  what-if) az deployment group what-if --resource-group "$group" --name vmss-runner-scaler \
    --template-file "$here/../main.bicep" --parameters "${parameters[@]}" ;;
  create)
    az deployment group create --resource-group "$group" --name vmss-runner-scaler \
      --template-file "$here/../main.bicep" --parameters "${parameters[@]}" --output none
    # The first deployment made the webhook's URL: find or make the webhook, and deploy its id
    # (the run command rewrites the service's settings and restarts it).
    if [[ $manage_hook == yes && -z $hook_id ]]; then
      webhook_url=$(az deployment group show --resource-group "$group" --name vmss-runner-scaler \
        --query properties.outputs.webhookUrl.value --output tsv)
      hook_id=$("$here/github-webhook.sh" ensure "$hook_scope" "$webhook_url") || hook_id=''
      if [[ -n $hook_id ]]; then
        echo "webhook $hook_id: deploying its id, so that the scaler redelivers failed deliveries"
        az deployment group create --resource-group "$group" --name vmss-runner-scaler \
          --template-file "$here/../main.bicep" --parameters "${parameters[@]}" "githubHookId=$hook_id" --output none
      fi
    fi ;;
  *) echo "usage: deploy.sh what-if|create" >&2; exit 2 ;;
esac
