// The storage account and the queue of busy runners (one never-expiring message per busy runner).
// Keys are off: the scaler reaches the queue with its managed identity only.
param location string

@description('Storage account name (3-24 lower-case letters and digits, globally unique).')
param storageAccountName string

@description('The queue holding the busy runners (scaler.azure.queue.name).')
param queueName string

param tags object

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageAccountName
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
  }
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource queue 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = {
  parent: queueService
  name: queueName
}

output queueServiceUrl string = account.properties.primaryEndpoints.queue
output queueId string = queue.id
output queueName string = queue.name
output storageAccountName string = account.name
