#!/bin/sh
# azd preprovision hook (azure.yaml): deploy with the scale sets' current capacity, never lower:
# the runner scale set's, and that of the Regular scale set of a Spot pair (useSpot: NAME-regular).
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
