// The virtual network: a subnet for the scaler VM and one for the runners, their network security
// groups, and a NAT gateway for outbound traffic (GitHub, Azure, packages) from both.
@description('Azure region.')
param location string

@description('Name prefix of the network resources.')
param namePrefix string

param vnetAddressPrefix string
param scalerSubnetPrefix string
param runnerSubnetPrefix string

@description('Source ranges (CIDR) allowed to reach the webhook port: GitHub\'s webhook ranges ("hooks" of GET https://api.github.com/meta).')
param webhookSourceRanges array

@description('The webhook port on the load balancer (TLS, terminated on the scaler VM).')
param webhookPort int

@description('The service\'s own HTTP port: runner endpoints (virtual network only) and the load balancer\'s health probe.')
param servicePort int

@description('Open port 80 to the Internet for the ACME HTTP-01 challenge of the webhook\'s certificate.')
param acmeHttpChallenge bool

@description('Source ranges (CIDR) allowed to SSH to the scaler VM; empty: no SSH from outside the virtual network.')
param sshSourceRanges array

param tags object

resource natIp 'Microsoft.Network/publicIPAddresses@2024-05-01' = {
  name: '${namePrefix}-nat-ip'
  location: location
  tags: tags
  sku: {
    name: 'Standard'
  }
  properties: {
    publicIPAllocationMethod: 'Static'
    publicIPAddressVersion: 'IPv4'
  }
}

resource nat 'Microsoft.Network/natGateways@2024-05-01' = {
  name: '${namePrefix}-nat'
  location: location
  tags: tags
  sku: {
    name: 'Standard'
  }
  properties: {
    idleTimeoutInMinutes: 10
    publicIpAddresses: [
      {
        id: natIp.id
      }
    ]
  }
}

var webhookRules = [
  {
    name: 'allow-webhook-from-github'
    properties: {
      description: 'GitHub webhook deliveries, only from the configured source ranges'
      priority: 100
      direction: 'Inbound'
      access: 'Allow'
      protocol: 'Tcp'
      sourceAddressPrefixes: webhookSourceRanges
      sourcePortRange: '*'
      destinationAddressPrefix: '*'
      destinationPortRange: string(webhookPort)
    }
  }
  {
    name: 'allow-runner-endpoints-from-vnet'
    properties: {
      description: 'The runner endpoints (/runners/...) from the virtual network only'
      priority: 110
      direction: 'Inbound'
      access: 'Allow'
      protocol: 'Tcp'
      sourceAddressPrefix: 'VirtualNetwork'
      sourcePortRange: '*'
      destinationAddressPrefix: '*'
      destinationPortRange: string(servicePort)
    }
  }
  {
    name: 'allow-health-probe'
    properties: {
      description: 'The load balancer\'s health probe (/q/health/ready)'
      priority: 120
      direction: 'Inbound'
      access: 'Allow'
      protocol: 'Tcp'
      sourceAddressPrefix: 'AzureLoadBalancer'
      sourcePortRange: '*'
      destinationAddressPrefix: '*'
      destinationPortRange: string(servicePort)
    }
  }
  {
    name: 'deny-service-port-otherwise'
    properties: {
      description: 'Nothing else reaches the service port'
      priority: 4000
      direction: 'Inbound'
      access: 'Deny'
      protocol: '*'
      sourceAddressPrefix: '*'
      sourcePortRange: '*'
      destinationAddressPrefix: '*'
      destinationPortRange: string(servicePort)
    }
  }
]

var acmeRules = acmeHttpChallenge ? [
  {
    name: 'allow-acme-http-challenge'
    properties: {
      description: 'Let\'s Encrypt HTTP-01 challenge for the webhook certificate (Caddy answers nothing else on port 80)'
      priority: 130
      direction: 'Inbound'
      access: 'Allow'
      protocol: 'Tcp'
      sourceAddressPrefix: 'Internet'
      sourcePortRange: '*'
      destinationAddressPrefix: '*'
      destinationPortRange: '80'
    }
  }
] : []

var sshRules = empty(sshSourceRanges) ? [] : [
  {
    name: 'allow-ssh'
    properties: {
      description: 'SSH (key only) from the configured source ranges'
      priority: 140
      direction: 'Inbound'
      access: 'Allow'
      protocol: 'Tcp'
      sourceAddressPrefixes: sshSourceRanges
      sourcePortRange: '*'
      destinationAddressPrefix: '*'
      destinationPortRange: '22'
    }
  }
]

resource scalerNsg 'Microsoft.Network/networkSecurityGroups@2024-05-01' = {
  name: '${namePrefix}-scaler-nsg'
  location: location
  tags: tags
  properties: {
    securityRules: concat(webhookRules, acmeRules, sshRules)
  }
}

// The runners take no inbound traffic but from the virtual network (the default rules).
resource runnerNsg 'Microsoft.Network/networkSecurityGroups@2024-05-01' = {
  name: '${namePrefix}-runner-nsg'
  location: location
  tags: tags
  properties: {
    securityRules: [
      {
        name: 'deny-inbound-from-internet'
        properties: {
          description: 'Runners are never reachable from the Internet'
          priority: 4000
          direction: 'Inbound'
          access: 'Deny'
          protocol: '*'
          sourceAddressPrefix: 'Internet'
          sourcePortRange: '*'
          destinationAddressPrefix: '*'
          destinationPortRange: '*'
        }
      }
    ]
  }
}

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: '${namePrefix}-vnet'
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: [
        vnetAddressPrefix
      ]
    }
    subnets: [
      {
        name: 'scaler'
        properties: {
          addressPrefix: scalerSubnetPrefix
          networkSecurityGroup: {
            id: scalerNsg.id
          }
          natGateway: {
            id: nat.id
          }
          defaultOutboundAccess: false
        }
      }
      {
        name: 'runners'
        properties: {
          addressPrefix: runnerSubnetPrefix
          networkSecurityGroup: {
            id: runnerNsg.id
          }
          natGateway: {
            id: nat.id
          }
          defaultOutboundAccess: false
        }
      }
    ]
  }
}

output vnetId string = vnet.id
output scalerSubnetId string = vnet.properties.subnets[0].id
output runnerSubnetId string = vnet.properties.subnets[1].id
output runnerSubnetName string = vnet.properties.subnets[1].name
output vnetName string = vnet.name
