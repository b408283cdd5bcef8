// Least privilege for the scaler's managed identity (docs/PROTOCOLS.md, "Least-privilege role"):
//   - scalerComputeActions on each runner scale set of the pool, and nothing else;
//   - scalerQueueActions / scalerQueueDataActions on the busy-runner queue only (the built-in queue
//     roles do not fit: Message Processor + Sender lack messages/write, which updates a message);
//   - Key Vault Secrets User on the vault;
//   - linkedAccessActions: what Azure checks on the resources a scale-set write refers to (the
//     runner subnet; a custom image) when the scaler raises the capacity, on the runner subnet
//     and, with a custom image, on the resource group that holds it.
@description('Names of the runner scale sets the scaler drives (every scale set of the pool), in this resource group.')
param runnerScaleSetNames array

@description('Storage account and queue of the busy runners.')
param storageAccountName string
param queueName string

param keyVaultName string

@description('Virtual network and runner subnet names (linked access for scale-out).')
param vnetName string
param runnerSubnetName string

@description('Whether the runners boot a custom image held in this resource group.')
param customImage bool

@description('Principal (object) id of the scaler\'s managed identity.')
param scalerPrincipalId string

@description('Object id of whoever sets the secrets (Key Vault Secrets Officer); empty: none.')
param secretsOfficerPrincipalId string

@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param secretsOfficerPrincipalType string

// Exactly what the scale-set adapter sends (RolePermissionsTest derives it from its requests):
// read the set (final GET of a capacity PATCH), PATCH the capacity, batch delete and re-image,
// list the instances (with $expand=instanceView, which is the listing's virtualMachines/read, not
// virtualMachines/instanceView/read), poll the operations. No per-instance write: nothing uses it.
var scalerComputeActions = [
  'Microsoft.Compute/virtualMachineScaleSets/read'
  'Microsoft.Compute/virtualMachineScaleSets/write'
  'Microsoft.Compute/virtualMachineScaleSets/delete/action'
  'Microsoft.Compute/virtualMachineScaleSets/reimage/action'
  'Microsoft.Compute/virtualMachineScaleSets/virtualMachines/read'
  'Microsoft.Compute/locations/operations/read'
]

var scalerQueueActions = [
  'Microsoft.Storage/storageAccounts/queueServices/queues/read'
]

// Per request (learn.microsoft.com/rest/api/storageservices/authorize-with-azure-active-directory,
// permissions for Queue service operations): Put Message add/action, Get Messages and Delete Message
// process/action, Update Message write; Get Queue Metadata (the count) is queues/read above. The
// store never peeks, so no messages/read (RolePermissionsTest derives this from its requests).
var scalerQueueDataActions = [
  'Microsoft.Storage/storageAccounts/queueServices/queues/messages/add/action'
  'Microsoft.Storage/storageAccounts/queueServices/queues/messages/process/action'
  'Microsoft.Storage/storageAccounts/queueServices/queues/messages/write'
]

var linkedAccessActions = [
  'Microsoft.Network/virtualNetworks/subnets/join/action'
  'Microsoft.Compute/galleries/images/versions/read'
  'Microsoft.Compute/images/read'
]

var keyVaultSecretsUserRoleId = '4633458b-17de-408a-b874-0445c86b69e6'
var keyVaultSecretsOfficerRoleId = 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'

resource vmss 'Microsoft.Compute/virtualMachineScaleSets@2024-07-01' existing = [for scaleSetName in runnerScaleSetNames: {
  name: scaleSetName
}]

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' existing = {
  parent: account
  name: 'default'
}

resource queue 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' existing = {
  parent: queueService
  name: queueName
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' existing = {
  name: vnetName
}

resource runnerSubnet 'Microsoft.Network/virtualNetworks/subnets@2024-05-01' existing = {
  parent: vnet
  name: runnerSubnetName
}

resource computeRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(resourceGroup().id, 'vmss-runner-scaler', 'compute')
  properties: {
    roleName: 'vmss-runner-scaler compute (${resourceGroup().name}, ${uniqueString(resourceGroup().id)})'
    description: 'Scale, re-image and delete instances of the runner scale set, and poll the operations.'
    type: 'CustomRole'
    permissions: [
      {
        actions: scalerComputeActions
        notActions: []
        dataActions: []
        notDataActions: []
      }
    ]
    assignableScopes: [
      resourceGroup().id
    ]
  }
}

resource queueRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(resourceGroup().id, 'vmss-runner-scaler', 'queue')
  properties: {
    roleName: 'vmss-runner-scaler busy queue (${resourceGroup().name}, ${uniqueString(resourceGroup().id)})'
    description: 'Add, receive, update and delete messages of the busy-runner queue, and read its count.'
    type: 'CustomRole'
    permissions: [
      {
        actions: scalerQueueActions
        notActions: []
        dataActions: scalerQueueDataActions
        notDataActions: []
      }
    ]
    assignableScopes: [
      resourceGroup().id
    ]
  }
}

resource linkedAccessRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(resourceGroup().id, 'vmss-runner-scaler', 'linked-access')
  properties: {
    roleName: 'vmss-runner-scaler linked access (${resourceGroup().name}, ${uniqueString(resourceGroup().id)})'
    description: 'What Azure checks on the subnet and image a scale-set write refers to.'
    type: 'CustomRole'
    permissions: [
      {
        actions: linkedAccessActions
        notActions: []
        dataActions: []
        notDataActions: []
      }
    ]
    assignableScopes: [
      resourceGroup().id
    ]
  }
}

// One per scale set; the name is the one a single scale set's assignment always had.
resource computeAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for i in range(0, length(runnerScaleSetNames)): {
  name: guid(vmss[i].id, scalerPrincipalId, computeRole.id)
  scope: vmss[i]
  properties: {
    roleDefinitionId: computeRole.id
    principalId: scalerPrincipalId
    principalType: 'ServicePrincipal'
  }
}]

resource queueAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(queue.id, scalerPrincipalId, queueRole.id)
  scope: queue
  properties: {
    roleDefinitionId: queueRole.id
    principalId: scalerPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource subnetAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(runnerSubnet.id, scalerPrincipalId, linkedAccessRole.id)
  scope: runnerSubnet
  properties: {
    roleDefinitionId: linkedAccessRole.id
    principalId: scalerPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource imageAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (customImage) {
  name: guid(resourceGroup().id, scalerPrincipalId, linkedAccessRole.id)
  properties: {
    roleDefinitionId: linkedAccessRole.id
    principalId: scalerPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource secretsUserAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, scalerPrincipalId, keyVaultSecretsUserRoleId)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUserRoleId)
    principalId: scalerPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource secretsOfficerAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(secretsOfficerPrincipalId)) {
  name: guid(vault.id, secretsOfficerPrincipalId, keyVaultSecretsOfficerRoleId)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsOfficerRoleId)
    principalId: secretsOfficerPrincipalId
    principalType: secretsOfficerPrincipalType
  }
}
