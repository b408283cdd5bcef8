// Key Vault in RBAC mode. It holds the secrets the scaler reads (names in main.bicep, set by the
// operator after the deployment; deploy/README.md). The template never sees a secret value.
param location string

@description('Key Vault name (3-24 letters, digits and dashes, globally unique).')
param keyVaultName string

param tags object

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: keyVaultName
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
    publicNetworkAccess: 'Enabled'
  }
}

output keyVaultId string = vault.id
output keyVaultName string = vault.name
output keyVaultUri string = vault.properties.vaultUri
