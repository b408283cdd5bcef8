#!/usr/bin/env bash
# Prints the object id and the kind (User or ServicePrincipal) of whoever the Azure CLI is signed in
# as: secretsOfficerPrincipalId and secretsOfficerPrincipalType (deploy/README.md, step 1).
# `az ad signed-in-user show` works for a user only; signed in as a service principal (a pipeline,
# `az login --service-principal`), user.name is the application's client id instead.
# Usage: read -r SECRETS_OFFICER_PRINCIPAL_ID SECRETS_OFFICER_PRINCIPAL_TYPE < <(bash signed-in-principal.sh)
set -euo pipefail

kind=$(az account show --query user.type --output tsv)
case $kind in
  user) echo "$(az ad signed-in-user show --query id --output tsv) User" ;;
  servicePrincipal)
    client_id=$(az account show --query user.name --output tsv)
    echo "$(az ad sp show --id "$client_id" --query id --output tsv) ServicePrincipal" ;;
  *) echo "signed-in-principal.sh: the Azure CLI is signed in as '$kind', neither a user nor a service principal" >&2
     exit 1 ;;
esac
