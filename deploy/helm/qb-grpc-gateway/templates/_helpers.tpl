{{- define "qb-grpc-gateway.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "qb-grpc-gateway.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "qb-grpc-gateway.selectorLabels" -}}
app.kubernetes.io/name: {{ include "qb-grpc-gateway.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "qb-grpc-gateway.labels" -}}
{{ include "qb-grpc-gateway.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* The Secret holding the secret variables: the user's own, or the one this chart renders. */}}
{{- define "qb-grpc-gateway.secretName" -}}
{{- .Values.secrets.existingSecret | default (printf "%s-secrets" (include "qb-grpc-gateway.fullname" .)) -}}
{{- end -}}

{{- define "qb-grpc-gateway.policySecretName" -}}
{{- .Values.policy.existingSecret | default (printf "%s-policy" (include "qb-grpc-gateway.fullname" .)) -}}
{{- end -}}

{{- define "qb-grpc-gateway.applicationsSecretName" -}}
{{- .Values.applications.existingSecret | default (printf "%s-applications" (include "qb-grpc-gateway.fullname" .)) -}}
{{- end -}}

{{- define "qb-grpc-gateway.hasApplications" -}}
{{- if or .Values.applications.existingSecret .Values.applications.file -}}true{{- end -}}
{{- end -}}

{{- define "qb-grpc-gateway.hasPolicy" -}}
{{- if or .Values.policy.existingSecret .Values.policy.files -}}true{{- end -}}
{{- end -}}
