// A runner scale set: Uniform orchestration, SSH keys only, a marketplace or custom image, the
// cloud-init of deploy/runner/, optionally Spot with the Delete eviction policy, optionally in
// availability zones. main.bicep deploys one per scale set of the pool. The scaler owns
// the capacity: a deployment passes the current one (deploy/scripts/current-capacity.sh), never
// lowering it, because lowering lets Azure pick the instances to remove, busy ones included.
param location string

@description('Name of the runner scale set (the original design\'s vmss-runner-name).')
param runnerScaleSetName string

@description('Computer-name prefix of the runners; the runner names are these computer names.')
param computerNamePrefix string

param vmSize string
param adminUsername string

param sshPublicKey string

param subnetId string

@description('Capacity to deploy with: 0 at first, the current capacity on later deployments.')
param capacity int

@description('Custom image (gallery image, image version or managed image resource id); empty: the marketplace image below.')
param imageId string

@description('Marketplace image when imageId is empty.')
param marketplaceImage object

param osDiskSizeGb int

@description('Availability zones of the scale set (strings: 1, 2, 3); empty: regional (no zones). Azure does not let an existing scale set change its zones.')
param zones array = []

param useSpot bool
param spotMaxPrice string

@description('Base URL of the scaler for the runners, e.g. http://10.40.0.4:8080.')
param scalerUrl string

param runnerDir string
param runnerVersion string
param runnerSha256 string
param tags object

// The same placeholders as deploy/runner/render-cloud-init.sh fills in.
var cloudInitValues = [
  { key: '__SCALER_URL__', value: scalerUrl }
  { key: '__RUNNER_DIR__', value: runnerDir }
  { key: '__RUNNER_VERSION__', value: runnerVersion }
  { key: '__RUNNER_SHA256__', value: runnerSha256 }
  { key: '__FETCH_CONFIG_SH_B64__', value: loadFileAsBase64('../runner/fetch-config.sh') }
  { key: '__NOTIFY_SCALER_SH_B64__', value: loadFileAsBase64('../runner/notify-scaler.sh') }
  { key: '__JOB_STARTED_SH_B64__', value: loadFileAsBase64('../runner/job-started.sh') }
  { key: '__JOB_COMPLETED_SH_B64__', value: loadFileAsBase64('../runner/job-completed.sh') }
  { key: '__INSTALL_RUNNER_SH_B64__', value: loadFileAsBase64('../runner/install-runner.sh') }
  { key: '__WATCH_EVICTIONS_SH_B64__', value: loadFileAsBase64('../runner/watch-evictions.sh') }
]
var cloudInit = reduce(cloudInitValues, loadTextContent('../runner/cloud-init.yaml'), (text, item) => replace(string(text), item.key, item.value))

resource vmss 'Microsoft.Compute/virtualMachineScaleSets@2024-07-01' = {
  name: runnerScaleSetName
  location: location
  tags: tags
  zones: empty(zones) ? null : zones
  sku: {
    name: vmSize
    tier: 'Standard'
    capacity: capacity
  }
  properties: {
    orchestrationMode: 'Uniform'
    // Extra VMs that Azure makes and removes again would ask the scaler for runner configurations.
    overprovision: false
    singlePlacementGroup: false
    // A new model reaches an instance only when the scaler re-images it, never under a running job.
    upgradePolicy: {
      mode: 'Manual'
    }
    virtualMachineProfile: {
      priority: useSpot ? 'Spot' : 'Regular'
      evictionPolicy: useSpot ? 'Delete' : null
      billingProfile: useSpot ? {
        maxPrice: json(spotMaxPrice)
      } : null
      osProfile: {
        computerNamePrefix: computerNamePrefix
        adminUsername: adminUsername
        customData: base64(string(cloudInit))
        linuxConfiguration: {
          disablePasswordAuthentication: true
          ssh: {
            publicKeys: [
              {
                path: '/home/${adminUsername}/.ssh/authorized_keys'
                keyData: sshPublicKey
              }
            ]
          }
        }
      }
      storageProfile: {
        imageReference: empty(imageId) ? marketplaceImage : {
          id: imageId
        }
        osDisk: {
          createOption: 'FromImage'
          caching: 'ReadWrite'
          diskSizeGB: osDiskSizeGb
          managedDisk: {
            storageAccountType: 'StandardSSD_LRS'
          }
        }
      }
      networkProfile: {
        networkInterfaceConfigurations: [
          {
            name: 'runner-nic'
            properties: {
              primary: true
              ipConfigurations: [
                {
                  name: 'ipconfig'
                  properties: {
                    subnet: {
                      id: subnetId
                    }
                  }
                }
              ]
            }
          }
        ]
      }
      diagnosticsProfile: {
        bootDiagnostics: {
          enabled: true
        }
      }
    }
  }
}

output id string = vmss.id
output name string = vmss.name
