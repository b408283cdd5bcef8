// vmss-runner-scaler: the whole system in one resource group. deploy/README.md walks through it;
// `azd up` (azure.yaml) and .github/workflows/deploy.yml deploy this file.
targetScope = 'resourceGroup'

// ---- The original design's parameters -------------------------------------------------------

@description('Name of the runner scale set (the original vmss-runner-name).')
param runnerScaleSetName string = 'vmss-runners'

@description('Name of the scaler VM (the original vmss-scaler-name).')
param scalerVmName string = 'vmss-scaler'

@description('Where the runners register: a repository owner/name, or an organisation (the original github-repo).')
param githubRepository string

@description('Comma-separated runner labels (the original runner-labels); self-hosted is implied.')
param runnerLabels string = 'linux,x64'

@minValue(0)
@description('Runners kept even with no demand (the original pool-min-instances; 0 is fine with webhooks).')
param poolMinInstances int = 1

@minValue(1)
@description('Most runners the scale set may hold (the original pool-max-instances).')
param poolMaxInstances int = 10

@minValue(0)
@description('Percentage of busy + queued runners kept free on top (the original pool-free-target-percentage).')
param poolFreeTargetPercentage int = 25

@minValue(0)
@description('Idle runners kept ready on top of the demand, up to the max (scaler.pools.<name>.min-idle; with the free percentage, the larger wins). Schedules and adaptive idle: README.md, "Warm capacity".')
param poolMinIdle int = 0

// ---- Access --------------------------------------------------------------------------------

@description('Admin user of the scaler VM and the runners (SSH key only, no password).')
param adminUsername string = 'azureuser'

@description('SSH public key of the admin user (ssh-ed25519 or ssh-rsa).')
param sshPublicKey string

@description('Source ranges (CIDR) allowed to SSH to the scaler VM; empty: none from outside the virtual network.')
param sshSourceRanges array = []

@description('Object id of whoever sets the Key Vault secrets (gets Key Vault Secrets Officer); empty: nobody.')
param secretsOfficerPrincipalId string = ''

@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
@description('Kind of secretsOfficerPrincipalId.')
param secretsOfficerPrincipalType string = 'User'

// ---- GitHub --------------------------------------------------------------------------------

@description('GitHub App id; empty: a personal access token (Key Vault secret github-token).')
param githubAppId string = ''

@description('GitHub App installation id (with githubAppId).')
param githubAppInstallationId string = ''

@description('Id of the repository or organisation webhook that delivers workflow_job (deploy.sh finds or creates it); the scaler redelivers its failed deliveries. Empty: none are redelivered, unless githubAppHook.')
param githubHookId string = ''

@description('Where that webhook is configured: owner/name or an organisation; empty: githubRepository.')
param githubHookScope string = ''

@description('The GitHub App\'s own webhook delivers workflow_job (with githubAppId): the scaler redelivers its failed deliveries with the App\'s JWT.')
param githubAppHook bool = false

@description('GitHub REST API (GitHub Enterprise Server: https://<host>/api/v3).')
param githubApiUrl string = 'https://api.github.com'

@description('Runner group for organisation runners.')
param runnerGroup string = 'Default'

@description('Source ranges (CIDR) of GitHub\'s webhook deliveries: the "hooks" list of GET https://api.github.com/meta.')
param webhookSourceRanges array = [
  '192.30.252.0/22'
  '185.199.108.0/22'
  '140.82.112.0/20'
  '143.55.64.0/20'
]

// ---- The service ---------------------------------------------------------------------------

@description('Pool name: lower-case letters and digits (the SCALER_POOLS_<NAME>_* settings).')
param poolName string = 'linux'

@description('Download URL of the scaler: the native binary (default) or the JVM build (.tar.gz), a GitHub release asset or a storage blob URL.')
param scalerArtifactUrl string

@description('SHA-256 of that artifact; empty: not checked.')
param scalerArtifactSha256 string = ''

@description('E-mail address for the Let\'s Encrypt account of the webhook\'s certificate.')
param acmeEmail string

@description('Open port 80 for the ACME HTTP-01 challenge (needed unless a certificate is provided otherwise).')
param acmeHttpChallenge bool = true

@description('DNS label of the webhook\'s public IP: <label>.<region>.cloudapp.azure.com.')
param publicDnsLabel string = toLower('${scalerVmName}-${uniqueString(resourceGroup().id)}')

@description('Webhook port on the load balancer (HTTPS).')
param webhookPort int = 443

@description('The service\'s HTTP port on the scaler VM (runner endpoints and health probe; virtual network only).')
param servicePort int = 8080

@description('Size of the scaler VM.')
param scalerVmSize string = 'Standard_B2s'

// ---- Runners -------------------------------------------------------------------------------

@description('Size of the runner VMs.')
param runnerVmSize string = 'Standard_D2s_v5'

@description('Custom runner image (gallery image, image version or managed image id, e.g. from runner-image.yml); empty: Ubuntu 24.04 from the marketplace.')
param runnerImageId string = ''

@description('OS disk size of a runner, GB (an image from runner-image.yml needs at least 75).')
param runnerOsDiskSizeGb int = 80

@description('Spot runners (evicted VMs are deleted). Without runnerScaleSets: the pair of a Spot scale set, runnerScaleSetName, first and a Regular one, runnerScaleSetName-regular, after it (deploy/README.md, "Spot pools").')
param useSpot bool = false

@description('Have GitHub re-run a job lost with its runner (a Spot eviction, a VM gone under a job) once its run is over, at most once per job (scaler.pools.<name>.rerun-lost-jobs). A re-run repeats the job\'s side effects, so it is off unless asked for.')
param rerunLostJobs bool = false

@description('Highest Spot price per hour in USD; -1: up to the pay-as-you-go price.')
param spotMaxPrice string = '-1'

@description('Capacity to deploy the scale set with: 0 at first, its current capacity later (deploy/scripts/current-capacity.sh).')
param runnerCapacity int = 0

@description('Capacity to deploy the Regular scale set of the Spot pair (useSpot without runnerScaleSets) with, when runnerCapacities does not give it: its current one (the azd hook passes it).')
param runnerRegularCapacity int = 0

@description('The pool\'s scale sets, in order of preference (see the type runnerScaleSet and deploy/README.md, "A pool over several scale sets"); empty: one scale set, runnerScaleSetName, from the single parameters above.')
param runnerScaleSets runnerScaleSet[] = []

@description('Current capacity of each runner scale set by name, e.g. {"vmss-runners": 3} (deploy.sh passes those of the resource group), used with runnerScaleSets: a scale set not listed is deployed with runnerCapacity if it is runnerScaleSetName, else 0.')
param runnerCapacities object = {}

@description('Where the GitHub runner lives on a runner VM.')
param runnerDir string = '/opt/actions-runner'

@description('GitHub runner version a runner downloads when its image has none.')
param runnerVersion string = '2.330.0'

@description('SHA-256 of actions-runner-linux-x64-<runnerVersion>.tar.gz.')
param runnerSha256 string = 'af5c33fa94f3cc33b8e97937939136a6b04197e6dadfcfb3b6e33ae1bf41e79a'

// ---- A pool over several scale sets --------------------------------------------------------

@description('One runner scale set of the pool (runnerScaleSets). All are in this resource group, region and runner subnet.')
type runnerScaleSet = {
  @description('Name of the scale set.')
  name: string

  @minLength(1)
  @maxLength(58)
  @description('Computer-name prefix of its runners (letters, digits, hyphens), different for each scale set: runner names must not collide. Azure never changes it on an existing scale set (the one of a one-scale-set deployment has poolName).')
  computerNamePrefix: string

  @description('VM size; default: runnerVmSize.')
  vmSize: string?

  @description('Availability zones, e.g. [ \'1\', \'2\' ]; default: none (regional). Azure does not let an existing scale set change its zones.')
  zones: string[]?

  @description('Regular or Spot (evicted VMs are deleted); default: Spot when useSpot, else Regular.')
  priority: ('Regular' | 'Spot')?

  @description('Spot only: highest price per hour in USD as a string, \'-1\' for up to the pay-as-you-go price; default: spotMaxPrice.')
  spotMaxPrice: string?

  @minValue(1)
  @description('Most instances this scale set may hold (scale-sets[i].max); default: the pool\'s max.')
  max: int?

  @description('No new runners here: the scale set shrinks to zero, no busy runner touched (scale-sets[i].drain); then it may leave the list.')
  drain: bool?
}

// ---- Names, network, logging ---------------------------------------------------------------

param location string = resourceGroup().location

@description('Key Vault name (globally unique).')
param keyVaultName string = 'kv-${uniqueString(resourceGroup().id)}'

@description('Storage account of the busy-runner queue (globally unique).')
param storageAccountName string = 'st${uniqueString(resourceGroup().id)}'

@description('Queue of the busy runners.')
param queueName string = 'busy-runners'

param vnetAddressPrefix string = '10.40.0.0/16'
param scalerSubnetPrefix string = '10.40.0.0/24'
param runnerSubnetPrefix string = '10.40.16.0/20'

@description('Send the scaler VM\'s logs to a Log Analytics workspace (syslog, and the service\'s JSON log as the table ScalerLogs_CL).')
param enableMonitoring bool = true

@description('Days the workspace keeps logs.')
param logRetentionInDays int = 30

@description('With enableMonitoring: the service\'s metrics in an Azure Monitor workspace (managed Prometheus, written by a Prometheus agent on the scaler VM) and the alert on waiting jobs.')
param enableMetrics bool = true

@minValue(60)
@description('Seconds the oldest waiting job of a pool may wait for a runner before the alert fires (scaler_pool_oldest_waiting_seconds).')
param alertWaitThreshold int = 900

@description('E-mail address the alert is sent to (an action group); empty: the alert shows in Azure Monitor only.')
param alertEmail string = ''

@description('Prometheus release the scaler VM\'s metrics agent runs (2.45 or newer).')
param prometheusVersion string = '3.5.0'

@description('SHA-256 of prometheus-<prometheusVersion>.linux-amd64.tar.gz; empty: checked against the release\'s own sha256sums.txt only.')
param prometheusSha256 string = ''

param tags object = {
  application: 'vmss-runner-scaler'
}

// The Key Vault secrets the service reads (scaler.azure.key-vault.*-secret).
var secretNames = {
  githubToken: 'github-token'
  githubAppKey: 'github-app-private-key'
  webhookSecret: 'github-webhook-secret'
  hookTokenKey: 'runner-hook-token-key'
  operatorToken: 'operator-token'
}

var namePrefix = toLower(scalerVmName)
var hookScope = empty(githubHookScope) ? githubRepository : githubHookScope
var poolKey = toUpper(poolName)

module network 'modules/network.bicep' = {
  name: 'network'
  params: {
    location: location
    namePrefix: namePrefix
    vnetAddressPrefix: vnetAddressPrefix
    scalerSubnetPrefix: scalerSubnetPrefix
    runnerSubnetPrefix: runnerSubnetPrefix
    webhookSourceRanges: webhookSourceRanges
    webhookPort: webhookPort
    servicePort: servicePort
    acmeHttpChallenge: acmeHttpChallenge
    sshSourceRanges: sshSourceRanges
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    storageAccountName: storageAccountName
    queueName: queueName
    tags: tags
  }
}

module vault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    location: location
    keyVaultName: keyVaultName
    tags: tags
  }
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    location: location
    name: '${namePrefix}-identity'
    tags: tags
  }
}

// useSpot without runnerScaleSets: the Spot scale set keeps the one scale set's name and prefix (an
// existing Spot deployment stays as it was: Azure never changes a scale set's priority), and a Regular
// one takes new capacity while Spot is refused or evicted too often (deploy/README.md, "Spot pools").
var spotPair = [
  {
    name: runnerScaleSetName
    computerNamePrefix: poolName
    vmSize: runnerVmSize
    zones: []
    priority: 'Spot'
    spotMaxPrice: spotMaxPrice
    max: 0
    drain: false
  }
  {
    name: '${runnerScaleSetName}-regular'
    computerNamePrefix: '${poolName}reg'
    vmSize: runnerVmSize
    zones: []
    priority: 'Regular'
    spotMaxPrice: spotMaxPrice
    max: 0
    drain: false
  }
]
var givenScaleSets = empty(runnerScaleSets) ? (useSpot ? spotPair : []) : runnerScaleSets

// The pool's scale sets, every value filled in: runnerScaleSets (or the Spot pair), or else the one
// scale set of the single parameters (runnerScaleSetName, computer-name prefix poolName,
// runnerCapacity), as before. max 0: the pool's max.
var runnerScaleSetList = empty(givenScaleSets) ? [
  {
    name: runnerScaleSetName
    computerNamePrefix: poolName
    vmSize: runnerVmSize
    zones: []
    spot: useSpot
    spotMaxPrice: spotMaxPrice
    capacity: runnerCapacity
    max: 0
    drain: false
  }
] : map(range(0, length(givenScaleSets)), i => {
  name: givenScaleSets[i].name
  computerNamePrefix: givenScaleSets[i].computerNamePrefix
  vmSize: givenScaleSets[i].?vmSize ?? runnerVmSize
  zones: givenScaleSets[i].?zones ?? []
  spot: (givenScaleSets[i].?priority ?? (useSpot ? 'Spot' : 'Regular')) == 'Spot'
  spotMaxPrice: givenScaleSets[i].?spotMaxPrice ?? spotMaxPrice
  capacity: runnerCapacities[?givenScaleSets[i].name] ?? (givenScaleSets[i].name == runnerScaleSetName ? runnerCapacity : (givenScaleSets[i].name == '${runnerScaleSetName}-regular' ? runnerRegularCapacity : 0))
  max: givenScaleSets[i].?max ?? 0
  drain: givenScaleSets[i].?drain ?? false
})

// The pool's scale sets for the service: one keeps the scale-set.* keys (a deployment of one scale
// set writes what it always wrote); several are the ordered list scale-sets[i].*.
var scaleSetEnvironmentLines = length(runnerScaleSetList) == 1 ? [
  'SCALER_POOLS_${poolKey}_SCALE_SET_SUBSCRIPTION=${subscription().subscriptionId}'
  'SCALER_POOLS_${poolKey}_SCALE_SET_RESOURCE_GROUP=${resourceGroup().name}'
  'SCALER_POOLS_${poolKey}_SCALE_SET_NAME=${runnerScaleSetList[0].name}'
  'SCALER_POOLS_${poolKey}_SCALE_SET_COMPUTER_NAME_PREFIX=${runnerScaleSetList[0].computerNamePrefix}'
] : flatten(map(range(0, length(runnerScaleSetList)), i => concat([
  'SCALER_POOLS_${poolKey}_SCALE_SETS_${i}__SUBSCRIPTION=${subscription().subscriptionId}'
  'SCALER_POOLS_${poolKey}_SCALE_SETS_${i}__RESOURCE_GROUP=${resourceGroup().name}'
  'SCALER_POOLS_${poolKey}_SCALE_SETS_${i}__NAME=${runnerScaleSetList[i].name}'
  'SCALER_POOLS_${poolKey}_SCALE_SETS_${i}__COMPUTER_NAME_PREFIX=${runnerScaleSetList[i].computerNamePrefix}'
], runnerScaleSetList[i].max == 0 ? [] : [
  'SCALER_POOLS_${poolKey}_SCALE_SETS_${i}__MAX=${runnerScaleSetList[i].max}'
], runnerScaleSetList[i].drain ? [
  'SCALER_POOLS_${poolKey}_SCALE_SETS_${i}__DRAIN=true'
] : [])))

// The service's settings (scaler.* keys as environment variables; README.md, "Configuration reference").
var scalerEnvironmentLines = concat([
  'SCALER_CLOUD=azure'
  'SCALER_AZURE_CLIENT_ID=${identity.outputs.clientId}'
  'SCALER_AZURE_QUEUE_SERVICE_URL=${storage.outputs.queueServiceUrl}'
  'SCALER_AZURE_QUEUE_NAME=${queueName}'
  'SCALER_AZURE_KEY_VAULT_URL=${vault.outputs.keyVaultUri}'
  'SCALER_AZURE_KEY_VAULT_GITHUB_TOKEN_SECRET=${secretNames.githubToken}'
  'SCALER_AZURE_KEY_VAULT_GITHUB_APP_KEY_SECRET=${secretNames.githubAppKey}'
  'SCALER_AZURE_KEY_VAULT_WEBHOOK_SECRET_SECRET=${secretNames.webhookSecret}'
  'SCALER_AZURE_KEY_VAULT_HOOK_TOKEN_KEY_SECRET=${secretNames.hookTokenKey}'
  'SCALER_AZURE_KEY_VAULT_OPERATOR_TOKEN_SECRET=${secretNames.operatorToken}'
  'SCALER_GITHUB_API_URL=${githubApiUrl}'
  'SCALER_RUNNERS_ALLOWED_NETWORKS=${runnerSubnetPrefix}'
  'SCALER_POOLS_${poolKey}_LABELS=${runnerLabels}'
  'SCALER_POOLS_${poolKey}_MIN=${poolMinInstances}'
  'SCALER_POOLS_${poolKey}_MAX=${poolMaxInstances}'
  'SCALER_POOLS_${poolKey}_FREE_PERCENT=${poolFreeTargetPercentage}'
  'SCALER_POOLS_${poolKey}_MIN_IDLE=${poolMinIdle}'
  'SCALER_POOLS_${poolKey}_SCOPE=${githubRepository}'
  'SCALER_POOLS_${poolKey}_RUNNER_GROUP=${runnerGroup}'
  'SCALER_POOLS_${poolKey}_RERUN_LOST_JOBS=${rerunLostJobs}'
], scaleSetEnvironmentLines, empty(githubAppId) ? [] : [
  'SCALER_GITHUB_APP_ID=${githubAppId}'
  'SCALER_GITHUB_APP_INSTALLATION_ID=${githubAppInstallationId}'
], empty(githubHookId) ? [] : [
  'SCALER_GITHUB_HOOK_ID=${githubHookId}'
  'SCALER_GITHUB_HOOK_SCOPE=${hookScope}'
], githubAppHook && !empty(githubAppId) ? [
  'SCALER_GITHUB_APP_HOOK=true'
] : [])

// Logs, metrics and the alert; the scaler VM's agents (modules/scaler-vm.bicep) get its outputs.
module monitoring 'modules/monitoring.bicep' = if (enableMonitoring) {
  name: 'monitoring'
  params: {
    location: location
    namePrefix: namePrefix
    retentionInDays: logRetentionInDays
    scalerPrincipalId: identity.outputs.principalId
    enableMetrics: enableMetrics
    alertWaitThreshold: alertWaitThreshold
    alertEmail: alertEmail
    tags: tags
  }
}

module scaler 'modules/scaler-vm.bicep' = {
  name: 'scaler-vm'
  params: {
    location: location
    scalerVmName: scalerVmName
    vmSize: scalerVmSize
    adminUsername: adminUsername
    sshPublicKey: sshPublicKey
    subnetId: network.outputs.scalerSubnetId
    identityId: identity.outputs.id
    scalerEnvironment: '${join(scalerEnvironmentLines, '\n')}\n'
    scalerArtifactUrl: scalerArtifactUrl
    scalerArtifactSha256: scalerArtifactSha256
    acmeEmail: acmeEmail
    publicDnsLabel: publicDnsLabel
    webhookPort: webhookPort
    servicePort: servicePort
    acmeHttpChallenge: acmeHttpChallenge
    dataCollectionRuleIds: enableMonitoring ? monitoring.outputs.dataCollectionRuleIds : []
    metricsRemoteWriteUrl: enableMonitoring ? monitoring.outputs.metricsRemoteWriteUrl : ''
    prometheusVersion: prometheusVersion
    prometheusSha256: prometheusSha256
    tags: tags
  }
}

// One per scale set of the pool, all in the runner subnet.
module runners 'modules/runners.bicep' = [for scaleSet in runnerScaleSetList: {
  name: empty(givenScaleSets) ? 'runners' : take('runners-${scaleSet.name}', 64)
  params: {
    location: location
    runnerScaleSetName: scaleSet.name
    computerNamePrefix: scaleSet.computerNamePrefix
    vmSize: scaleSet.vmSize
    adminUsername: adminUsername
    sshPublicKey: sshPublicKey
    subnetId: network.outputs.runnerSubnetId
    capacity: scaleSet.capacity
    zones: scaleSet.zones
    imageId: runnerImageId
    marketplaceImage: {
      publisher: 'Canonical'
      offer: 'ubuntu-24_04-lts'
      sku: 'server'
      version: 'latest'
    }
    osDiskSizeGb: runnerOsDiskSizeGb
    useSpot: scaleSet.spot
    spotMaxPrice: scaleSet.spotMaxPrice
    scalerUrl: 'http://${scaler.outputs.privateIp}:${servicePort}'
    runnerDir: runnerDir
    runnerVersion: runnerVersion
    runnerSha256: runnerSha256
    tags: tags
  }
}]

module roles 'modules/roles.bicep' = {
  name: 'roles'
  params: {
    // the compute role on every scale set of the pool
    runnerScaleSetNames: [for i in range(0, length(runnerScaleSetList)): runners[i].outputs.name]
    storageAccountName: storage.outputs.storageAccountName
    queueName: storage.outputs.queueName
    keyVaultName: vault.outputs.keyVaultName
    vnetName: network.outputs.vnetName
    runnerSubnetName: network.outputs.runnerSubnetName
    customImage: !empty(runnerImageId)
    scalerPrincipalId: identity.outputs.principalId
    secretsOfficerPrincipalId: secretsOfficerPrincipalId
    secretsOfficerPrincipalType: secretsOfficerPrincipalType
  }
}

output webhookUrl string = webhookPort == 443 ? 'https://${scaler.outputs.publicFqdn}/github/webhook' : 'https://${scaler.outputs.publicFqdn}:${webhookPort}/github/webhook'
output scalerPublicFqdn string = scaler.outputs.publicFqdn
output scalerPrivateUrl string = 'http://${scaler.outputs.privateIp}:${servicePort}'
output keyVaultName string = vault.outputs.keyVaultName
output keyVaultUri string = vault.outputs.keyVaultUri
output scalerIdentityClientId string = identity.outputs.clientId
output runnerScaleSetName string = runners[0].outputs.name
output runnerScaleSetNames array = [for i in range(0, length(runnerScaleSetList)): runners[i].outputs.name]
output storageAccountName string = storage.outputs.storageAccountName
output githubTokenSecretName string = secretNames.githubToken
output githubAppKeySecretName string = secretNames.githubAppKey
output webhookSecretName string = secretNames.webhookSecret
output hookTokenKeySecretName string = secretNames.hookTokenKey
output operatorTokenSecretName string = secretNames.operatorToken
output logAnalyticsWorkspaceName string = enableMonitoring ? monitoring.outputs.workspaceName : ''
output metricsWorkspaceId string = enableMonitoring ? monitoring.outputs.metricsWorkspaceId : ''
