// Monitoring of the scaler (deploy/README.md, "Monitoring"). Nothing here touches the VM: the Azure
// Monitor agent, its associations with the rules below and the metrics agent are the scaler VM's
// (modules/scaler-vm.bicep), which gets this module's outputs.
//   - Logs: a Log Analytics workspace with
//       * the VM's syslog (systemd's lines about the service, its standard error, sshd, ...);
//       * the service's log, one JSON object a line in /var/log/vmss-runner-scaler/scaler.json, as the
//         custom table ScalerLogs_CL: a text-log data source and a transformation that parses each line
//         into columns (Level, Logger, Message, Pool, Instance, Runner, Job, Actor, AuditSource, Action).
//   - Metrics (enableMetrics): an Azure Monitor workspace (managed Prometheus) and a data collection
//     endpoint and rule it is written to with Prometheus's remote-write protocol, by a Prometheus agent
//     on the VM signed in with the scaler's identity (Monitoring Metrics Publisher on that rule). The
//     Azure Monitor agent does not scrape Prometheus endpoints on a VM, so that agent does.
//   - An alert on the Azure Monitor workspace (Prometheus rule group): a job has waited longer than
//     alertWaitThreshold seconds for a runner; e-mail to alertEmail when given.
param location string
param namePrefix string

@description('Days the workspace keeps logs.')
param retentionInDays int

@description('Object id of the scaler\'s identity: the metrics agent on the VM writes with it.')
param scalerPrincipalId string

@description('The Azure Monitor workspace, the metrics agent\'s endpoint and rule, and the alert.')
param enableMetrics bool

@description('Seconds a job may wait for a runner before the alert fires.')
param alertWaitThreshold int

@description('E-mail address the alert goes to; empty: no action group (the alert shows in Azure Monitor only).')
param alertEmail string
param tags object

// The service's log file (deploy/scaler/vmss-runner-scaler.service, StandardOutput=) and its table.
var scalerLogFile = '/var/log/vmss-runner-scaler/scaler.json'
var scalerLogTable = 'ScalerLogs_CL'

// The gauge the alert watches (README.md, "Metrics"): seconds the oldest waiting job of a pool has waited, 0 when none.
var waitMetric = 'scaler_pool_oldest_waiting_seconds'

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${namePrefix}-logs'
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
  }
}

// The columns the transformation below projects, in that order.
resource scalerLogs 'Microsoft.OperationalInsights/workspaces/tables@2022-10-01' = {
  parent: workspace
  name: scalerLogTable
  properties: {
    plan: 'Analytics'
    schema: {
      name: scalerLogTable
      description: 'vmss-runner-scaler\'s JSON log lines, one row a line (deploy/README.md, "Monitoring").'
      columns: [
        { name: 'TimeGenerated', type: 'dateTime', description: 'The line\'s timestamp; when it has none, when the agent read it' }
        { name: 'Computer', type: 'string', description: 'The scaler VM' }
        { name: 'Level', type: 'string', description: 'INFO, WARN, ERROR, ...' }
        { name: 'Logger', type: 'string', description: 'loggerName; io.vmssrunnerscaler.audit for audit lines' }
        { name: 'Message', type: 'string', description: 'message' }
        { name: 'Pool', type: 'string', description: 'mdc.pool' }
        { name: 'Instance', type: 'string', description: 'mdc.instance' }
        { name: 'Runner', type: 'string', description: 'mdc.runner' }
        { name: 'Job', type: 'string', description: 'mdc.job' }
        { name: 'Actor', type: 'string', description: 'mdc.actor (audit lines)' }
        { name: 'AuditSource', type: 'string', description: 'mdc.source (audit lines)' }
        { name: 'Action', type: 'string', description: 'mdc.action (audit lines)' }
        { name: 'Thread', type: 'string', description: 'threadName' }
        { name: 'Exception', type: 'dynamic', description: 'exception, when the line has one' }
        { name: 'Mdc', type: 'dynamic', description: 'the whole mdc object' }
        { name: 'RawData', type: 'string', description: 'The line as written (kept for lines that are not JSON)' }
      ]
    }
  }
}

resource dcr 'Microsoft.Insights/dataCollectionRules@2022-06-01' = {
  name: '${namePrefix}-scaler-syslog'
  location: location
  tags: tags
  kind: 'Linux'
  properties: {
    dataSources: {
      syslog: [
        {
          name: 'scaler-syslog'
          streams: [
            'Microsoft-Syslog'
          ]
          facilityNames: [
            'daemon'
            'syslog'
            'auth'
          ]
          logLevels: [
            'Info'
            'Notice'
            'Warning'
            'Error'
            'Critical'
            'Alert'
            'Emergency'
          ]
        }
      ]
    }
    destinations: {
      logAnalytics: [
        {
          name: 'workspace'
          workspaceResourceId: workspace.id
        }
      ]
    }
    dataFlows: [
      {
        streams: [
          'Microsoft-Syslog'
        ]
        destinations: [
          'workspace'
        ]
      }
    ]
  }
}

// Each line of the log file is a record (TimeGenerated, RawData, Computer); the transformation parses
// the JSON into the table's columns. A line that is not JSON keeps its text in RawData.
var scalerLogTransform = 'source | extend d = parse_json(RawData) | extend t = todatetime(d.timestamp) | project TimeGenerated = iif(isnull(t), TimeGenerated, t), Computer, Level = tostring(d.level), Logger = tostring(d.loggerName), Message = tostring(d.message), Pool = tostring(d.mdc.pool), Instance = tostring(d.mdc.instance), Runner = tostring(d.mdc.runner), Job = tostring(d.mdc.job), Actor = tostring(d.mdc.actor), AuditSource = tostring(d.mdc.source), Action = tostring(d.mdc.action), Thread = tostring(d.threadName), Exception = d.exception, Mdc = d.mdc, RawData'

resource jsonLogs 'Microsoft.Insights/dataCollectionRules@2022-06-01' = {
  name: '${namePrefix}-scaler-json-logs'
  location: location
  tags: tags
  kind: 'Linux'
  properties: {
    streamDeclarations: {
      'Custom-ScalerLogLines': {
        columns: [
          { name: 'TimeGenerated', type: 'datetime' }
          { name: 'RawData', type: 'string' }
          { name: 'Computer', type: 'string' }
        ]
      }
    }
    dataSources: {
      logFiles: [
        {
          name: 'scaler-json-log'
          streams: [
            'Custom-ScalerLogLines'
          ]
          filePatterns: [
            scalerLogFile
          ]
          format: 'text'
        }
      ]
    }
    destinations: {
      logAnalytics: [
        {
          name: 'workspace'
          workspaceResourceId: workspace.id
        }
      ]
    }
    dataFlows: [
      {
        streams: [
          'Custom-ScalerLogLines'
        ]
        destinations: [
          'workspace'
        ]
        transformKql: scalerLogTransform
        outputStream: 'Custom-${scalerLogTable}'
      }
    ]
  }
  dependsOn: [
    scalerLogs
  ]
}

// ---- Metrics: managed Prometheus ------------------------------------------------------------

resource metricsWorkspace 'Microsoft.Monitor/accounts@2023-04-03' = if (enableMetrics) {
  name: '${namePrefix}-metrics'
  location: location
  tags: tags
}

// Where the metrics agent writes (remote write); the rule sends what arrives to the workspace.
resource metricsEndpoint 'Microsoft.Insights/dataCollectionEndpoints@2022-06-01' = if (enableMetrics) {
  name: '${namePrefix}-metrics'
  location: location
  tags: tags
  kind: 'Linux'
  properties: {
    networkAcls: {
      publicNetworkAccess: 'Enabled'
    }
  }
}

resource metricsRule 'Microsoft.Insights/dataCollectionRules@2022-06-01' = if (enableMetrics) {
  name: '${namePrefix}-scaler-prometheus'
  location: location
  tags: tags
  kind: 'Linux'
  properties: {
    dataCollectionEndpointId: metricsEndpoint.id
    dataSources: {
      prometheusForwarder: [
        {
          name: 'scaler-prometheus'
          streams: [
            'Microsoft-PrometheusMetrics'
          ]
          labelIncludeFilter: {}
        }
      ]
    }
    destinations: {
      monitoringAccounts: [
        {
          name: 'metrics'
          accountResourceId: metricsWorkspace.id
        }
      ]
    }
    dataFlows: [
      {
        streams: [
          'Microsoft-PrometheusMetrics'
        ]
        destinations: [
          'metrics'
        ]
      }
    ]
  }
}

// Monitoring Metrics Publisher, on this rule alone: the metrics agent writes with the scaler's identity.
var metricsPublisherRoleId = '3913510d-42f4-4e42-8a64-420c390055eb'

resource metricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (enableMetrics) {
  name: guid(metricsRule.id, scalerPrincipalId, metricsPublisherRoleId)
  scope: metricsRule
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', metricsPublisherRoleId)
    principalId: scalerPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource alertGroup 'Microsoft.Insights/actionGroups@2022-06-01' = if (enableMetrics && !empty(alertEmail)) {
  name: '${namePrefix}-alerts'
  location: 'Global'
  tags: tags
  properties: {
    groupShortName: 'vmss-scaler'
    enabled: true
    emailReceivers: [
      {
        name: 'operator'
        emailAddress: alertEmail
        useCommonAlertSchema: true
      }
    ]
  }
}

// Evaluated every minute by Azure Monitor on the workspace's samples; fires per pool.
resource alerts 'Microsoft.AlertsManagement/prometheusRuleGroups@2023-03-01' = if (enableMetrics) {
  name: '${namePrefix}-scaler-alerts'
  location: location
  tags: tags
  properties: {
    description: 'vmss-runner-scaler: jobs waiting too long for a runner (deploy/README.md, "Monitoring").'
    enabled: true
    interval: 'PT1M'
    scopes: [
      metricsWorkspace.id
    ]
    rules: [
      {
        alert: 'JobWaitingTooLong'
        expression: 'max by (pool) (${waitMetric}) > ${alertWaitThreshold}'
        for: 'PT1M'
        severity: 2
        enabled: true
        labels: {
          application: 'vmss-runner-scaler'
        }
        annotations: {
          summary: 'A job has waited more than ${alertWaitThreshold} s for a runner'
          description: 'Pool {{ $labels.pool }}: the oldest waiting job has waited {{ $value }} s. GET /pools shows the pool; ScalerLogs_CL its log.'
        }
        resolveConfiguration: {
          autoResolved: true
          timeToResolve: 'PT10M'
        }
        actions: empty(alertEmail) ? [] : [
          {
            actionGroupId: alertGroup.id
          }
        ]
      }
    ]
  }
}

output workspaceId string = workspace.id
output workspaceName string = workspace.name
@description('The rules the scaler VM\'s Azure Monitor agent is associated with: syslog and the JSON log.')
output dataCollectionRuleIds array = [
  dcr.id
  jsonLogs.id
]
@description('Where the metrics agent writes (Prometheus remote write); empty without metrics.')
output metricsRemoteWriteUrl string = enableMetrics ? '${metricsEndpoint.properties.metricsIngestion.endpoint}/dataCollectionRules/${metricsRule.properties.immutableId}/streams/Microsoft-PrometheusMetrics/api/v1/write?api-version=2023-04-24' : ''
output metricsWorkspaceId string = enableMetrics ? metricsWorkspace.id : ''
