#!/bin/sh
# azd preprovision hook (azure.yaml): deploy with the scale set's current capacity, never lower.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
group=${AZURE_RESOURCE_GROUP:?set it first: azd env set AZURE_RESOURCE_GROUP <resource group>}
name=${RUNNER_SCALE_SET_NAME:-vmss-runners}
capacity=$("$here/current-capacity.sh" "$group" "$name")
echo "runner scale set $name: deploying with capacity $capacity"
azd env set RUNNER_CAPACITY "$capacity"
