#!/usr/bin/env bash
# Prints the runner scale set's current capacity, or 0 when it does not exist yet: the value to
# deploy main.bicep with (runnerCapacity), so that a deployment never lowers the capacity (lowering
# lets Azure choose which instances to remove, busy ones included). Fails when Azure cannot be asked.
# Usage: current-capacity.sh RESOURCE_GROUP SCALE_SET_NAME
set -euo pipefail

group=${1:?usage: current-capacity.sh RESOURCE_GROUP SCALE_SET_NAME}
name=${2:?usage: current-capacity.sh RESOURCE_GROUP SCALE_SET_NAME}

if [[ $(az group exists --name "$group") != true ]]; then
  echo 0
  exit 0
fi
capacity=$(az vmss list --resource-group "$group" --query "[?name=='$name'].sku.capacity | [0]" --output tsv)
echo "${capacity:-0}"
