// The scaler VM (small, Ubuntu, SSH key only) running vmss-runner-scaler as a hardened systemd
// unit under a non-root user (deploy/scaler/: cloud-init.yaml at first boot, configure-scaler.sh
// on every deployment), behind a Standard load balancer whose health probe
// is the service's readiness, /q/health/ready. With monitoring (modules/monitoring.bicep), the Azure
// Monitor agent sends its syslog and the service's JSON log to Log Analytics, and a Prometheus agent
// sends the service's metrics to the Azure Monitor workspace.
param location string

@description('Name of the scaler VM (the original design\'s vmss-scaler-name).')
param scalerVmName string

param vmSize string
param adminUsername string

@description('SSH public key of the admin user (no password is ever set).')
param sshPublicKey string

param subnetId string

@description('Resource id of the scaler\'s user-assigned identity.')
param identityId string

@description('The service\'s SCALER_* settings, one KEY=value a line (no secrets).')
param scalerEnvironment string

param scalerArtifactUrl string
param scalerArtifactSha256 string
param acmeEmail string
param publicDnsLabel string
param webhookPort int
param servicePort int
param acmeHttpChallenge bool

@description('Data collection rules the Azure Monitor agent on the VM follows (monitoring.bicep); empty: no agent.')
param dataCollectionRuleIds array

@description('Prometheus remote-write URL of the Azure Monitor workspace (monitoring.bicep); empty: no metrics agent.')
param metricsRemoteWriteUrl string

@description('Prometheus release the metrics agent runs (2.45 or newer: managed identity sign-in).')
param prometheusVersion string

@description('SHA-256 of prometheus-<version>.linux-amd64.tar.gz; empty: checked against the release\'s sha256sums.txt.')
param prometheusSha256 string
param tags object

resource publicIp 'Microsoft.Network/publicIPAddresses@2024-05-01' = {
  name: '${scalerVmName}-ip'
  location: location
  tags: tags
  sku: {
    name: 'Standard'
  }
  properties: {
    publicIPAllocationMethod: 'Static'
    publicIPAddressVersion: 'IPv4'
    dnsSettings: {
      domainNameLabel: publicDnsLabel
    }
  }
}

var lbName = '${scalerVmName}-lb'
var frontendId = resourceId('Microsoft.Network/loadBalancers/frontendIPConfigurations', lbName, 'webhook')
var backendId = resourceId('Microsoft.Network/loadBalancers/backendAddressPools', lbName, 'scaler')
var probeId = resourceId('Microsoft.Network/loadBalancers/probes', lbName, 'ready')
// The certificate is fetched before the service is ready (its secrets may not be set yet): port 80
// goes to Caddy whenever Caddy listens.
var acmeProbeId = resourceId('Microsoft.Network/loadBalancers/probes', lbName, 'acme')

var webhookRule = {
  name: 'webhook'
  properties: {
    frontendIPConfiguration: {
      id: frontendId
    }
    backendAddressPool: {
      id: backendId
    }
    probe: {
      id: probeId
    }
    protocol: 'Tcp'
    frontendPort: webhookPort
    backendPort: webhookPort
    enableFloatingIP: false
    idleTimeoutInMinutes: 4
    disableOutboundSnat: true
  }
}

var acmeRule = {
  name: 'acme-http'
  properties: {
    frontendIPConfiguration: {
      id: frontendId
    }
    backendAddressPool: {
      id: backendId
    }
    probe: {
      id: acmeProbeId
    }
    protocol: 'Tcp'
    frontendPort: 80
    backendPort: 80
    enableFloatingIP: false
    idleTimeoutInMinutes: 4
    disableOutboundSnat: true
  }
}

resource lb 'Microsoft.Network/loadBalancers@2024-05-01' = {
  name: lbName
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Regional'
  }
  properties: {
    frontendIPConfigurations: [
      {
        name: 'webhook'
        properties: {
          publicIPAddress: {
            id: publicIp.id
          }
        }
      }
    ]
    backendAddressPools: [
      {
        name: 'scaler'
      }
    ]
    probes: [
      {
        name: 'ready'
        properties: {
          protocol: 'Http'
          port: servicePort
          requestPath: '/q/health/ready'
          intervalInSeconds: 5
          numberOfProbes: 2
          probeThreshold: 2
        }
      }
      {
        name: 'acme'
        properties: {
          protocol: 'Tcp'
          port: 80
          intervalInSeconds: 5
          numberOfProbes: 2
          probeThreshold: 2
        }
      }
    ]
    loadBalancingRules: acmeHttpChallenge ? [
      webhookRule
      acmeRule
    ] : [
      webhookRule
    ]
  }
}

resource nic 'Microsoft.Network/networkInterfaces@2024-05-01' = {
  name: '${scalerVmName}-nic'
  location: location
  tags: tags
  properties: {
    ipConfigurations: [
      {
        name: 'ipconfig'
        properties: {
          privateIPAllocationMethod: 'Dynamic'
          subnet: {
            id: subnetId
          }
          loadBalancerBackendAddressPools: [
            {
              id: lb.properties.backendAddressPools[0].id
            }
          ]
        }
      }
    ]
  }
}

resource vm 'Microsoft.Compute/virtualMachines@2024-07-01' = {
  name: scalerVmName
  location: location
  tags: tags
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    hardwareProfile: {
      vmSize: vmSize
    }
    osProfile: {
      computerName: scalerVmName
      adminUsername: adminUsername
      // Never changes between deployments: Azure refuses to change a VM's custom data.
      customData: base64(loadTextContent('../scaler/cloud-init.yaml'))
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
        patchSettings: {
          patchMode: 'ImageDefault'
        }
      }
    }
    storageProfile: {
      imageReference: {
        publisher: 'Canonical'
        offer: 'ubuntu-24_04-lts'
        sku: 'server'
        version: 'latest'
      }
      osDisk: {
        createOption: 'FromImage'
        managedDisk: {
          storageAccountType: 'StandardSSD_LRS'
        }
        deleteOption: 'Delete'
      }
    }
    networkProfile: {
      networkInterfaces: [
        {
          id: nic.id
          properties: {
            deleteOption: 'Delete'
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

// Everything that may change between deployments, applied on the VM by configure-scaler.sh, run
// again whenever one of these values changes. Parameters reach the script as environment variables.
resource configure 'Microsoft.Compute/virtualMachines/runCommands@2024-07-01' = {
  parent: vm
  name: 'configure-scaler'
  location: location
  tags: tags
  properties: {
    source: {
      script: loadTextContent('../scaler/configure-scaler.sh')
    }
    parameters: [
      { name: 'SCALER_ENV_B64', value: base64(scalerEnvironment) }
      { name: 'SCALER_ARTIFACT_SHA256', value: scalerArtifactSha256 }
      { name: 'PUBLIC_HOST', value: publicIp.properties.dnsSettings.fqdn }
      { name: 'ACME_EMAIL', value: acmeEmail }
      { name: 'WEBHOOK_PORT', value: string(webhookPort) }
      { name: 'SERVICE_PORT', value: string(servicePort) }
      { name: 'INSTALL_SCALER_SH_B64', value: loadFileAsBase64('../scaler/install-scaler.sh') }
      { name: 'RUN_SCALER_SH_B64', value: loadFileAsBase64('../scaler/run-scaler.sh') }
      { name: 'SERVICE_UNIT_B64', value: loadFileAsBase64('../scaler/vmss-runner-scaler.service') }
      { name: 'CADDYFILE_B64', value: loadFileAsBase64('../scaler/Caddyfile') }
      { name: 'LOGROTATE_CONF_B64', value: loadFileAsBase64('../scaler/logrotate.conf') }
      { name: 'METRICS_REMOTE_WRITE_URL', value: metricsRemoteWriteUrl }
      { name: 'PROMETHEUS_VERSION', value: prometheusVersion }
      { name: 'PROMETHEUS_SHA256', value: prometheusSha256 }
      { name: 'PROMETHEUS_YML_B64', value: loadFileAsBase64('../scaler/prometheus.yml') }
      { name: 'METRICS_UNIT_B64', value: loadFileAsBase64('../scaler/vmss-scaler-metrics.service') }
      { name: 'METRICS_TOKEN_UNIT_B64', value: loadFileAsBase64('../scaler/vmss-scaler-metrics-token.service') }
      { name: 'METRICS_TOKEN_TIMER_B64', value: loadFileAsBase64('../scaler/vmss-scaler-metrics-token.timer') }
      { name: 'METRICS_TOKEN_SH_B64', value: loadFileAsBase64('../scaler/metrics-token.sh') }
      { name: 'INSTALL_PROMETHEUS_SH_B64', value: loadFileAsBase64('../scaler/install-prometheus.sh') }
    ]
    // a storage blob URL may carry a SAS token
    protectedParameters: [
      { name: 'SCALER_ARTIFACT_URL', value: scalerArtifactUrl }
    ]
    asyncExecution: false
    timeoutInSeconds: 1800
    treatFailureAsDeploymentFailure: true
  }
}

// The Azure Monitor agent, signed in with the scaler's identity, and its rules. An association is
// named after its rule (as before this module had them).
resource agent 'Microsoft.Compute/virtualMachines/extensions@2024-07-01' = if (!empty(dataCollectionRuleIds)) {
  parent: vm
  name: 'AzureMonitorLinuxAgent'
  location: location
  tags: tags
  properties: {
    publisher: 'Microsoft.Azure.Monitor'
    type: 'AzureMonitorLinuxAgent'
    typeHandlerVersion: '1.0'
    autoUpgradeMinorVersion: true
    enableAutomaticUpgrade: true
    settings: {
      authentication: {
        managedIdentity: {
          'identifier-name': 'mi_res_id'
          'identifier-value': identityId
        }
      }
    }
  }
  // one VM extension operation at a time (the run command is one): after it, as when this was its own module
  dependsOn: [
    configure
  ]
}

resource associations 'Microsoft.Insights/dataCollectionRuleAssociations@2022-06-01' = [for ruleId in dataCollectionRuleIds: {
  name: last(split(ruleId, '/'))
  scope: vm
  properties: {
    dataCollectionRuleId: ruleId
  }
  dependsOn: [
    agent
  ]
}]

output vmId string = vm.id
output vmName string = vm.name
output privateIp string = nic.properties.ipConfigurations[0].properties.privateIPAddress
output publicFqdn string = publicIp.properties.dnsSettings.fqdn
output publicIpAddress string = publicIp.properties.ipAddress
