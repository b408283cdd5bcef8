#!/usr/bin/env bash
# Runs `az deployment group what-if` or `create` for deploy/main.bicep with the parameters taken
# from the environment (as .github/workflows/deploy.yml sets them; deploy/README.md lists them).
# The runner capacity is the scale set's current one, so a deployment never lowers it; for a pool
# over several scale sets (RUNNER_SCALE_SETS: the runnerScaleSets array as JSON, or @FILE holding
# it), every scale set's of the resource group (runnerCapacities).
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

parameters=(
  "runnerScaleSetName=$scale_set"
  "scalerVmName=${SCALER_VM_NAME:-vmss-scaler}"
  "githubRepository=${GITHUB_SCOPE:?}"
  "runnerLabels=${RUNNER_LABELS:-linux,x64}"
  "poolMinInstances=${POOL_MIN_INSTANCES:-1}"
  "poolMaxInstances=${POOL_MAX_INSTANCES:-10}"
  "poolFreeTargetPercentage=${POOL_FREE_TARGET_PERCENTAGE:-25}"
  "useSpot=${USE_SPOT:-false}"
  "sshPublicKey=${SSH_PUBLIC_KEY:?set the repository variable SSH_PUBLIC_KEY}"
  "acmeEmail=${ACME_EMAIL:?set the repository variable ACME_EMAIL}"
  "scalerArtifactUrl=${SCALER_ARTIFACT_URL:?}"
  "scalerArtifactSha256=${SCALER_ARTIFACT_SHA256:-}"
  "runnerImageId=${RUNNER_IMAGE_ID:-}"
  "githubAppId=${GITHUB_APP_ID:-}"
  "githubAppInstallationId=${GITHUB_APP_INSTALLATION_ID:-}"
  "secretsOfficerPrincipalId=${SECRETS_OFFICER_PRINCIPAL_ID:-}"
  "runnerCapacity=$capacity"
  "runnerCapacities=$capacities"
)
if [[ -n ${RUNNER_SCALE_SETS:-} ]]; then
  parameters+=("runnerScaleSets=$RUNNER_SCALE_SETS")
fi
if [[ -n ${LOCATION:-} ]]; then
  parameters+=("location=$LOCATION")
fi

case $mode in
  what-if) az deployment group what-if --resource-group "$group" --name vmss-runner-scaler \
    --template-file "$here/../main.bicep" --parameters "${parameters[@]}" ;;
  create) az deployment group create --resource-group "$group" --name vmss-runner-scaler \
    --template-file "$here/../main.bicep" --parameters "${parameters[@]}" --output none ;;
  *) echo "usage: deploy.sh what-if|create" >&2; exit 2 ;;
esac
