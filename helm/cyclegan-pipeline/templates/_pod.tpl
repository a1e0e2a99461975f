{{/*
The pod template of every service workload, one copy for the three of them. Call with
(dict "root" $ "component" "ingest" "ports" (list (dict "name" "http" "port" 8080))
      "instanceId" true "volumeMounts" "<yaml list>" "volumes" "<yaml list>").
The component's values are .Values.<component>; what differs between the services (extra
ports, their own volumes, a stable instance id) is passed in, everything else (security
contexts, probes, GPU, scheduling) is read from the same keys of each component.
*/}}
{{- define "cyclegan.podTemplate" -}}
{{- $root := .root -}}
{{- $v := index $root.Values .component -}}
{{- $component := dict "root" $root "component" .component -}}
{{- $gpu := and $v.gpu $v.gpu.enabled -}}
{{- $image := $v.image -}}
{{- if $gpu }}{{ $image = $v.gpu.image }}{{ end -}}
metadata:
  labels:
    {{- include "cyclegan.componentSelectorLabels" $component | nindent 4 }}
    {{- with $v.podLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  annotations:
    {{- include "cyclegan.configChecksums" $component | nindent 4 }}
    {{- with include "cyclegan.metricsAnnotations" (dict "root" $root "port" $v.metricsPort) }}
    {{- . | nindent 4 }}
    {{- end }}
    {{- with $v.podAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  serviceAccountName: {{ include "cyclegan.serviceAccountName" $root }}
  automountServiceAccountToken: {{ $root.Values.serviceAccount.automountServiceAccountToken }}
  {{- /* Service links would inject <SERVICE>_PORT variables that look like configuration. */}}
  enableServiceLinks: false
  {{- with include "cyclegan.imagePullSecrets" $root }}
  {{- . | nindent 2 }}
  {{- end }}
  {{- /* SIGTERM makes the workers finish or checkpoint their work and commit: give them time. */}}
  {{- with $v.terminationGracePeriodSeconds }}
  terminationGracePeriodSeconds: {{ . }}
  {{- end }}
  {{- with $v.priorityClassName }}
  priorityClassName: {{ . }}
  {{- end }}
  {{- if and $gpu $v.gpu.runtimeClassName }}
  runtimeClassName: {{ $v.gpu.runtimeClassName }}
  {{- end }}
  securityContext:
    {{- include "cyclegan.securityContext" (dict "base" $root.Values.podSecurityContext "override" $v.podSecurityContext) | nindent 4 }}
  containers:
    - name: {{ .component }}
      image: {{ include "cyclegan.image" (dict "root" $root "image" $image) }}
      imagePullPolicy: {{ $root.Values.image.pullPolicy }}
      securityContext:
        {{- include "cyclegan.securityContext" (dict "base" $root.Values.containerSecurityContext "override" $v.containerSecurityContext) | nindent 8 }}
      ports:
        {{- range .ports }}
        - name: {{ .name }}
          containerPort: {{ .port }}
          protocol: TCP
        {{- end }}
        - name: metrics
          containerPort: {{ $v.metricsPort }}
          protocol: TCP
      envFrom:
        {{- include "cyclegan.envFrom" $component | nindent 8 }}
      env:
        {{- if .instanceId }}
        {{- include "cyclegan.instanceIdEnv" $root | nindent 8 }}
        {{- end }}
        {{- include "cyclegan.secretEnv" $root | nindent 8 }}
        {{- with $v.extraEnv }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      {{- include "cyclegan.probes" (dict "root" $root "override" $v.probes) | nindent 6 }}
      resources:
        {{- $resources := deepCopy $v.resources }}
        {{- if $gpu }}
        {{- /* Extended resources go in limits only; Kubernetes copies them to requests. */}}
        {{- $limits := get $resources "limits" | default dict }}
        {{- $_ := set $limits $v.gpu.resourceName $v.gpu.count }}
        {{- $_ := set $resources "limits" $limits }}
        {{- end }}
        {{- toYaml $resources | nindent 8 }}
      volumeMounts:
        {{- include "cyclegan.baseVolumeMounts" $root | nindent 8 }}
        {{- with .volumeMounts }}
        {{- . | trim | nindent 8 }}
        {{- end }}
        {{- with $v.extraVolumeMounts }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
  volumes:
    {{- include "cyclegan.baseVolumes" $root | nindent 4 }}
    {{- with .volumes }}
    {{- . | trim | nindent 4 }}
    {{- end }}
    {{- with $v.extraVolumes }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- $nodeSelector := $v.nodeSelector }}
  {{- if $gpu }}{{ $nodeSelector = merge (deepCopy $v.gpu.nodeSelector) $v.nodeSelector }}{{ end }}
  {{- with $nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- $tolerations := $v.tolerations }}
  {{- if $gpu }}{{ $tolerations = concat $v.tolerations $v.gpu.tolerations }}{{ end }}
  {{- with $tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $v.affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $v.topologySpreadConstraints }}
  topologySpreadConstraints:
    {{- /* A constraint without a labelSelector counts this component's pods. */}}
    {{- range . }}
    {{- $constraint := deepCopy . }}
    {{- if not (hasKey $constraint "labelSelector") }}
    {{- $_ := set $constraint "labelSelector" (dict "matchLabels" (include "cyclegan.componentSelectorLabels" $component | fromYaml)) }}
    {{- end }}
    - {{- toYaml $constraint | nindent 6 }}
    {{- end }}
  {{- end }}
{{- end -}}

{{/*
A security context: the chart-wide one with a component's keys laid over it, key by key
(a key given replaces the chart-wide one whole; a key set to null removes it). Call with
(dict "base" ... "override" ...).
*/}}
{{- define "cyclegan.securityContext" -}}
{{- toYaml (include "cyclegan.overlay" . | fromYaml) -}}
{{- end -}}

{{/* base with override's top-level keys set over it (null removes); YAML of a map. */}}
{{- define "cyclegan.overlay" -}}
{{- $merged := deepCopy (.base | default dict) -}}
{{- range $key, $value := (.override | default dict) }}
{{- if kindIs "invalid" $value }}{{ $_ := unset $merged $key }}{{ else }}{{ $_ := set $merged $key $value }}{{ end }}
{{- end }}
{{- toYaml $merged -}}
{{- end -}}

{{/*
The three probes on the side port: .Values.probes, with a component's probes.<kind> laid
over each, key by key. A handler given (httpGet, tcpSocket, exec, grpc) replaces the
default one; enabled: false leaves the probe out. Call with (dict "root" $ "override" ...).
*/}}
{{- define "cyclegan.probes" -}}
{{- $override := .override | default dict -}}
{{- $probes := dict -}}
{{- range $kind := list "startup" "liveness" "readiness" -}}
{{- $base := deepCopy (index $.root.Values.probes $kind) -}}
{{- $mine := index $override $kind | default dict -}}
{{- if or (hasKey $mine "httpGet") (hasKey $mine "tcpSocket") (hasKey $mine "exec") (hasKey $mine "grpc") -}}
{{- $base = omit $base "httpGet" "tcpSocket" "exec" "grpc" -}}
{{- end -}}
{{- $probe := include "cyclegan.overlay" (dict "base" $base "override" $mine) | fromYaml -}}
{{- if ne (toString (get $probe "enabled")) "false" -}}
{{- $_ := set $probes (printf "%sProbe" $kind) (omit $probe "enabled") -}}
{{- end -}}
{{- end -}}
{{- with $probes }}{{ toYaml . }}{{ end -}}
{{- end -}}
