#!/bin/sh
# azd preprovision hook (azure.yaml): deploy with the scale sets' current capacity, never lower:
# the runner scale set's, and that of the Regular scale set of a Spot pair (useSpot: NAME-regular).
# And the scaler build (scaler-artifact.sh): SCALER_ARTIFACT_URL, or a release of SCALER_RELEASE_REPO
# (SCALER_VERSION, SCALER_BUILD), and its SHA-256. The result goes to variables of its own
# (SCALER_ARTIFACT_URL_RESOLVED, ..._SHA256_RESOLVED, read by main.parameters.json), so that a later
# `azd up` with another SCALER_VERSION resolves again instead of finding last time's URL.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
group=${AZURE_RESOURCE_GROUP:?set it first: azd env set AZURE_RESOURCE_GROUP <resource group>}
name=${RUNNER_SCALE_SET_NAME:-vmss-runners}
capacity=$("$here/current-capacity.sh" "$group" "$name")
echo "runner scale set $name: deploying with capacity $capacity"
azd env set RUNNER_CAPACITY "$capacity"
regular=$("$here/current-capacity.sh" "$group" "$name-regular")
echo "runner scale set $name-regular: deploying with capacity $regular"
azd env set RUNNER_REGULAR_CAPACITY "$regular"
url=$("$here/scaler-artifact.sh" url)
sha256=$("$here/scaler-artifact.sh" sha256)
echo "scaler build: ${url%%\?*}"
azd env set SCALER_ARTIFACT_URL_RESOLVED "$url"
azd env set SCALER_ARTIFACT_SHA256_RESOLVED "$sha256"
