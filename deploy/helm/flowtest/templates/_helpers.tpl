{{/* The release's full name, used for every namespaced object of the chart. */}}
{{- define "flowtest.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Labels on every object. */}}
{{- define "flowtest.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/part-of: flowtest
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* What selects the controller's pods; never changes across upgrades (Deployment selectors are immutable). */}}
{{- define "flowtest.controllerSelector" -}}
app.kubernetes.io/name: flowtest-controller
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "flowtest.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "flowtest.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* Leader election: asked for, or required because several replicas run. */}}
{{- define "flowtest.leaderElection" -}}
{{- if or .Values.controller.leaderElection (gt (int .Values.controller.replicas) 1) -}}true{{- end -}}
{{- end -}}

{{- define "flowtest.controllerImage" -}}
{{- printf "%s:%s" .Values.controller.image.repository (default .Chart.AppVersion .Values.controller.image.tag) -}}
{{- end -}}

{{- define "flowtest.agentImage" -}}
{{- printf "%s:%s" .Values.agent.image.repository (default .Chart.AppVersion .Values.agent.image.tag) -}}
{{- end -}}

{{/*
The permissions the controller needs wherever it runs FlowTests. docs/controller.md's table lists the
same rules; the controller's tests check every request it makes against this list
(Tests/AgentTests/Support/ChartRBAC.swift). flowtestreports: the controller reads the agents'
reports (get, list, watch); create and patch it holds only to grant them in the agents' Role,
as RBAC lets a user grant only what it holds itself (no `escalate`). roles update: the agents'
Role made by an older controller gets the current rules (Reconcile/AgentRoleCheck.swift).
*/}}
{{- define "flowtest.controllerRules" -}}
- apiGroups: [flowtest.dev]
  resources: [flowtests]
  verbs: [get, list, watch]
- apiGroups: [flowtest.dev]
  resources: [flowtests/status]
  verbs: [get, patch]
- apiGroups: [flowtest.dev]
  resources: [flowtestreports]
  verbs: [get, list, watch, create, patch]
- apiGroups: [""]
  resources: [pods]
  verbs: [get, list, watch, create, delete]
- apiGroups: [""]
  resources: [services]
  verbs: [get, create, delete]
- apiGroups: [""]
  resources: [serviceaccounts]
  verbs: [get, create]
- apiGroups: [rbac.authorization.k8s.io]
  resources: [roles]
  verbs: [get, create, update]
- apiGroups: [rbac.authorization.k8s.io]
  resources: [rolebindings]
  verbs: [get, create]
- apiGroups: [events.k8s.io]
  resources: [events]
  verbs: [create]
{{- end -}}


{{/* The leader Lease, in the controller's own namespace; the controller's tests check this too. */}}
{{- define "flowtest.leaderElectionRules" -}}
- apiGroups: [coordination.k8s.io]
  resources: [leases]
  verbs: [get, create, update]
{{- end -}}
