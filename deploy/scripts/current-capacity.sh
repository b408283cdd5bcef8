#!/usr/bin/env bash
# Prints the runner scale set's current capacity, or 0 when it does not exist yet: the value to
# deploy main.bicep with (runnerCapacity), so that a deployment never lowers the capacity (lowering
# lets Azure choose which instances to remove, busy ones included). Fails when Azure cannot be asked.
# Without a scale set name: every scale set of the resource group as a JSON object, name -> capacity
# ({} when there is none), the value of runnerCapacities for a pool over several scale sets.
# Usage: current-capacity.sh RESOURCE_GROUP [SCALE_SET_NAME]
set -euo pipefail

group=${1:?usage: current-capacity.sh RESOURCE_GROUP [SCALE_SET_NAME]}
name=${2:-}

if [[ $(az group exists --name "$group") != true ]]; then
  if [[ -z $name ]]; then echo '{}'; else echo 0; fi
  exit 0
fi
if [[ -n $name ]]; then
  capacity=$(az vmss list --resource-group "$group" --query "[?name=='$name'].sku.capacity | [0]" --output tsv)
  echo "${capacity:-0}"
  exit 0
fi
# Scale-set names are letters, digits, '-', '_' and '.': nothing to escape in JSON.
json=
while IFS=$'\t' read -r scale_set capacity; do
  [[ -n $scale_set ]] || continue
  json+="${json:+,}\"$scale_set\":${capacity:-0}"
done < <(az vmss list --resource-group "$group" --query "[].[name, sku.capacity]" --output tsv)
echo "{$json}"
