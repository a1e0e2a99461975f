{{/*
Names, labels and images shared by every template.
*/}}

{{- define "cyclegan.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Full name: release-chart, cut to 63 characters (the DNS label limit). Component
names are suffixed to it, so keep room: the longest suffix is "-inference-metrics".
*/}}
{{- define "cyclegan.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Name of one component: fullname-component, cut to 63 characters. */}}
{{- define "cyclegan.componentName" -}}
{{- printf "%s-%s" (include "cyclegan.fullname" .root) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "cyclegan.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "cyclegan.labels" -}}
helm.sh/chart: {{ include "cyclegan.chart" . }}
{{ include "cyclegan.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: cyclegan-pipeline
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "cyclegan.selectorLabels" -}}
app.kubernetes.io/name: {{ include "cyclegan.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Labels of one component; call with (dict "root" $ "component" "ingest"). */}}
{{- define "cyclegan.componentLabels" -}}
{{ include "cyclegan.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "cyclegan.componentSelectorLabels" -}}
{{ include "cyclegan.selectorLabels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "cyclegan.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "cyclegan.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/*
Image reference; call with (dict "root" $ "image" .Values.ingest.image).
The registry is global.imageRegistry, else image.registry. A digest (image.digest) pins
the image by content and wins over the tag; the tag falls back to image.tag, then to the
chart's appVersion.
*/}}
{{- define "cyclegan.image" -}}
{{- $registry := (.root.Values.global).imageRegistry | default .root.Values.image.registry -}}
{{- $repository := .image.repository -}}
{{- if $registry -}}
{{- $repository = printf "%s/%s" (trimSuffix "/" $registry) $repository -}}
{{- end -}}
{{- if .image.digest -}}
{{- printf "%s@%s" $repository .image.digest -}}
{{- else -}}
{{- printf "%s:%s" $repository (.image.tag | default .root.Values.image.tag | default .root.Chart.AppVersion | toString) -}}
{{- end -}}
{{- end -}}

{{/* Image of a third-party (trial) component: registry/repository:tag. */}}
{{- define "cyclegan.trialImage" -}}
{{- if .registry -}}
{{- printf "%s/%s:%s" .registry .repository (toString .tag) -}}
{{- else -}}
{{- printf "%s:%s" .repository (toString .tag) -}}
{{- end -}}
{{- end -}}

{{/* A third-party image with an optional digest: registry/repository:tag or @digest. */}}
{{- define "cyclegan.thirdPartyImage" -}}
{{- $repository := .repository -}}
{{- if .registry -}}{{ $repository = printf "%s/%s" .registry .repository }}{{- end -}}
{{- if .digest -}}{{ printf "%s@%s" $repository .digest }}{{- else -}}{{ printf "%s:%s" $repository (toString .tag) }}{{- end -}}
{{- end -}}

{{/* Pull secrets: global.imagePullSecrets and image.pullSecrets (names). */}}
{{- define "cyclegan.imagePullSecrets" -}}
{{- $names := list -}}
{{- range concat ((.Values.global).imagePullSecrets | default list) (.Values.image.pullSecrets | default list) -}}
{{- if kindIs "map" . }}{{ $names = append $names .name }}{{ else }}{{ $names = append $names . }}{{ end -}}
{{- end -}}
{{- with $names | uniq -}}
imagePullSecrets:
{{- range . }}
  - name: {{ . }}
{{- end }}
{{- end -}}
{{- end -}}

{{/* Kafka bootstrap servers: the configured ones, else the trial broker. */}}
{{- define "cyclegan.kafka.bootstrapServers" -}}
{{- if .Values.kafka.bootstrapServers -}}
{{- .Values.kafka.bootstrapServers -}}
{{- else if .Values.trial.kafka.enabled -}}
{{- printf "%s:9092" (include "cyclegan.componentName" (dict "root" . "component" "kafka")) -}}
{{- else -}}
{{- fail "kafka.bootstrapServers is required when trial.kafka.enabled is false: set it to your Kafka's bootstrap servers, e.g. my-kafka-bootstrap.kafka:9092" -}}
{{- end -}}
{{- end -}}

{{/* S3 endpoint: the configured one, else the trial MinIO. */}}
{{- define "cyclegan.s3.endpoint" -}}
{{- if .Values.s3.endpoint -}}
{{- .Values.s3.endpoint -}}
{{- else if .Values.trial.minio.enabled -}}
{{- printf "http://%s:9000" (include "cyclegan.componentName" (dict "root" . "component" "minio")) -}}
{{- else -}}
{{- fail "s3.endpoint is required when trial.minio.enabled is false: set it to your S3 store, e.g. https://s3.eu-west-1.amazonaws.com or http://minio.minio:9000" -}}
{{- end -}}
{{- end -}}

{{/* Name of the Secret holding the S3 credentials, and its keys. */}}
{{- define "cyclegan.s3.secretName" -}}
{{- $source := include "cyclegan.s3.credentialSource" . -}}
{{- if eq $source "existing" -}}{{ .Values.s3.auth.existingSecret }}
{{- else if eq $source "generated" -}}{{ include "cyclegan.componentName" (dict "root" . "component" "generated") }}
{{- else -}}{{ include "cyclegan.fullname" . }}
{{- end -}}
{{- end -}}

{{- define "cyclegan.s3.accessKeyKey" -}}
{{- if .Values.s3.auth.existingSecret -}}{{ .Values.s3.auth.existingSecretAccessKeyKey }}{{- else -}}s3-access-key{{- end -}}
{{- end -}}

{{- define "cyclegan.s3.secretKeyKey" -}}
{{- if .Values.s3.auth.existingSecret -}}{{ .Values.s3.auth.existingSecretSecretKeyKey }}{{- else -}}s3-secret-key{{- end -}}
{{- end -}}

{{/* Whether a JAAS configuration is used at all. */}}
{{- define "cyclegan.kafka.saslEnabled" -}}
{{- if or .Values.kafka.sasl.jaasConfig .Values.kafka.sasl.existingSecret -}}true{{- end -}}
{{- end -}}

{{- define "cyclegan.kafka.saslSecretName" -}}
{{- default (include "cyclegan.fullname" .) .Values.kafka.sasl.existingSecret -}}
{{- end -}}

{{- define "cyclegan.kafka.saslSecretKey" -}}
{{- if .Values.kafka.sasl.existingSecret -}}{{ .Values.kafka.sasl.existingSecretKey }}{{- else -}}kafka-sasl-jaas-config{{- end -}}
{{- end -}}

{{/*
Where the S3 credentials come from: "existing" (s3.auth.existingSecret), "values"
(s3.auth.accessKey/secretKey, in the chart's Secret) or "generated" (trial MinIO
without credentials: a random pair in a pre-install hook Secret, which Helm never
rewrites, so upgrades keep it).
*/}}
{{- define "cyclegan.s3.credentialSource" -}}
{{- if ne .Values.s3.auth.source "static" -}}none
{{- else if .Values.s3.auth.existingSecret -}}existing
{{- else if and .Values.s3.auth.accessKey .Values.s3.auth.secretKey -}}values
{{- else if or .Values.s3.auth.accessKey .Values.s3.auth.secretKey -}}
{{- fail "set both s3.auth.accessKey and s3.auth.secretKey, or neither" -}}
{{- else if .Values.trial.minio.enabled -}}generated
{{- else -}}
{{- fail "S3 credentials are missing: set s3.auth.existingSecret (recommended) or both s3.auth.accessKey and s3.auth.secretKey" -}}
{{- end -}}
{{- end -}}

{{/*
Checks across values that a JSON schema cannot express.
*/}}
{{- define "cyclegan.validate" -}}
{{- $_ := include "cyclegan.kafka.bootstrapServers" . -}}
{{- $_ = include "cyclegan.s3.endpoint" . -}}
{{- $_ = include "cyclegan.s3.credentialSource" . -}}
{{- $partitions := int .Values.kafka.topics.partitions -}}
{{- $scaling := .Values.inference.autoscaling -}}
{{- if $scaling.enabled -}}
{{- if gt (int $scaling.maxReplicas) $partitions -}}
{{- fail (printf "inference.autoscaling.maxReplicas (%d) must not exceed kafka.topics.partitions (%d): each partition of %s is consumed by one inference pod, so extra pods would sit idle" (int $scaling.maxReplicas) $partitions .Values.kafka.topics.translateRequests) -}}
{{- end -}}
{{- if gt (int $scaling.minReplicas) (int $scaling.maxReplicas) -}}
{{- fail (printf "inference.autoscaling.minReplicas (%d) must not exceed inference.autoscaling.maxReplicas (%d)" (int $scaling.minReplicas) (int $scaling.maxReplicas)) -}}
{{- end -}}
{{- else if gt (int .Values.inference.replicaCount) $partitions -}}
{{- fail (printf "inference.replicaCount (%d) must not exceed kafka.topics.partitions (%d): each partition of %s is consumed by one inference pod, so extra pods would sit idle" (int .Values.inference.replicaCount) $partitions .Values.kafka.topics.translateRequests) -}}
{{- end -}}
{{- if and $scaling.enabled (eq $scaling.kind "hpa") (lt (int $scaling.minReplicas) 1) -}}
{{- fail "inference.autoscaling.minReplicas must be at least 1 with kind hpa (only kind keda scales to zero)" -}}
{{- end -}}
{{- if eq (int .Values.kafka.topics.replicationFactor) 0 -}}
{{- fail "kafka.topics.replicationFactor must be -1 (the broker's default.replication.factor) or at least 1" -}}
{{- end -}}
{{- if and .Values.kafka.topics.create.enabled .Values.kafka.topics.strimzi.enabled -}}
{{- fail "kafka.topics.create.enabled and kafka.topics.strimzi.enabled are exclusive: let either the hook Job or the Strimzi Topic Operator create the topics" -}}
{{- end -}}
{{- if and .Values.kafka.topics.strimzi.enabled (not .Values.kafka.topics.strimzi.clusterName) -}}
{{- fail "kafka.topics.strimzi.clusterName is required when kafka.topics.strimzi.enabled is true: it is the strimzi.io/cluster label the Topic Operator selects on" -}}
{{- end -}}
{{- if and .Values.kafka.sasl.jaasConfig .Values.kafka.sasl.existingSecret -}}
{{- fail "set either kafka.sasl.jaasConfig or kafka.sasl.existingSecret, not both" -}}
{{- end -}}
{{- if and (ne .Values.s3.auth.source "static") (or .Values.s3.auth.accessKey .Values.s3.auth.secretKey .Values.s3.auth.existingSecret) -}}
{{- fail (printf "s3.auth.source is %s: the keys in s3.auth are used only with source static; remove them" .Values.s3.auth.source) -}}
{{- end -}}
{{- if and (ne .Values.s3.auth.source "static") .Values.trial.minio.enabled -}}
{{- fail "the trial MinIO signs in with static keys only: set s3.auth.source to static, or trial.minio.enabled to false" -}}
{{- end -}}
{{- if and .Values.s3.auth.existingSecret (or .Values.s3.auth.accessKey .Values.s3.auth.secretKey) -}}
{{- fail "set either s3.auth.existingSecret or s3.auth.accessKey/secretKey, not both" -}}
{{- end -}}
{{- range $name, $value := .Values.kafka.config -}}
{{- if regexMatch "(?i)(password|jaas|secret)" $name -}}
{{- fail (printf "kafka.config.%s looks like a secret and would land in a ConfigMap: use kafka.sasl.existingSecret, or extraEnv with a secretKeyRef" $name) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Annotations that roll the pods when their configuration changes. */}}
{{- define "cyclegan.configChecksums" -}}
checksum/config: {{ include (print .root.Template.BasePath "/common/configmap.yaml") .root | sha256sum }}
checksum/component-config: {{ include (print .root.Template.BasePath "/" .component "/configmap.yaml") .root | sha256sum }}
{{- if or (eq (include "cyclegan.s3.credentialSource" .root) "values") .root.Values.kafka.sasl.jaasConfig }}
checksum/secret: {{ include (print .root.Template.BasePath "/common/secret.yaml") .root | sha256sum }}
{{- end }}
{{- end -}}

{{/* Prometheus scrape annotations of a pod; call with (dict "root" $ "port" 9464). */}}
{{- define "cyclegan.metricsAnnotations" -}}
{{- if .root.Values.metrics.podAnnotations -}}
prometheus.io/scrape: "true"
prometheus.io/port: {{ .port | quote }}
prometheus.io/path: /metrics
{{- end -}}
{{- end -}}

{{/*
CYCLEGAN_INSTANCE_ID from the pod name: set, it turns on Kafka static membership
(group.instance.id), which only pays off when the name is stable (a StatefulSet).
*/}}
{{- define "cyclegan.instanceIdEnv" -}}
- name: CYCLEGAN_INSTANCE_ID
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
{{- end -}}

{{/* Credentials of a service container, from Secrets (never as plain values). */}}
{{- define "cyclegan.secretEnv" -}}
{{- if ne (include "cyclegan.s3.credentialSource" .) "none" }}
- name: S3_ACCESS_KEY
  valueFrom:
    secretKeyRef:
      name: {{ include "cyclegan.s3.secretName" . }}
      key: {{ include "cyclegan.s3.accessKeyKey" . }}
- name: S3_SECRET_KEY
  valueFrom:
    secretKeyRef:
      name: {{ include "cyclegan.s3.secretName" . }}
      key: {{ include "cyclegan.s3.secretKeyKey" . }}
{{- end }}
{{- if include "cyclegan.kafka.saslEnabled" . }}
- name: KAFKA_SASL_JAAS_CONFIG
  valueFrom:
    secretKeyRef:
      name: {{ include "cyclegan.kafka.saslSecretName" . }}
      key: {{ include "cyclegan.kafka.saslSecretKey" . }}
{{- end }}
{{- end -}}

{{/* envFrom of a service container; call with (dict "root" $ "component" "ingest"). */}}
{{- define "cyclegan.envFrom" -}}
- configMapRef:
    name: {{ include "cyclegan.componentName" (dict "root" .root "component" "common") }}
- configMapRef:
    name: {{ include "cyclegan.componentName" . }}
{{- end -}}

{{/* Writable volumes under the read-only root: /tmp and the DJL cache. */}}
{{- define "cyclegan.baseVolumes" -}}
- name: tmp
  emptyDir: {}
- name: djl-cache
  emptyDir:
    sizeLimit: {{ .Values.djl.sizeLimit }}
{{ include "cyclegan.caVolumes" . }}
{{- end -}}

{{- define "cyclegan.baseVolumeMounts" -}}
- name: tmp
  mountPath: /tmp
- name: djl-cache
  mountPath: {{ .Values.djl.cacheDir }}
{{ include "cyclegan.caVolumeMounts" . }}
{{- end -}}

{{/* Private CAs from ConfigMaps (kafka.tls, s3.tls), read-only; for the S3 one only when s3 is true. */}}
{{- define "cyclegan.caVolumes" -}}
{{- with .Values.kafka.tls.caConfigMap }}
- name: kafka-ca
  configMap:
    name: {{ . }}
{{- end }}
{{- with .Values.s3.tls.caConfigMap }}
- name: s3-ca
  configMap:
    name: {{ . }}
{{- end }}
{{- end -}}

{{- define "cyclegan.caVolumeMounts" -}}
{{- if .Values.kafka.tls.caConfigMap }}
- name: kafka-ca
  mountPath: /etc/cyclegan/kafka-ca
  readOnly: true
{{- end }}
{{- if .Values.s3.tls.caConfigMap }}
- name: s3-ca
  mountPath: /etc/cyclegan/s3-ca
  readOnly: true
{{- end }}
{{- end -}}

{{/* Kafka's trust of a private CA: client properties as KAFKA_* variables (a map of name: value). */}}
{{- define "cyclegan.kafka.tlsConfig" -}}
{{- if .Values.kafka.tls.caConfigMap -}}
KAFKA_SSL_TRUSTSTORE_TYPE: PEM
KAFKA_SSL_TRUSTSTORE_LOCATION: {{ printf "/etc/cyclegan/kafka-ca/%s" .Values.kafka.tls.caKey }}
{{- end -}}
{{- end -}}

{{/* ServiceMonitor of one component; call with (dict "root" $ "component" "ingest"). */}}
{{- define "cyclegan.serviceMonitor" -}}
{{- if .root.Values.metrics.serviceMonitor.enabled }}
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ include "cyclegan.componentName" . }}
  labels:
    {{- include "cyclegan.componentLabels" . | nindent 4 }}
    {{- with .root.Values.metrics.serviceMonitor.labels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  selector:
    matchLabels:
      {{- include "cyclegan.componentSelectorLabels" . | nindent 6 }}
  endpoints:
    - port: metrics
      path: /metrics
      interval: {{ .root.Values.metrics.serviceMonitor.interval }}
{{- end }}
{{- end -}}

{{/*
Every topic the pipeline uses, as a list of {name, compacted, partitions, maxMessageBytes},
the same plan as `cyclegan admin create-topics`: each topic also has a dead-letter topic
(name + dlqSuffix) with dlqPartitions partitions, which is never compacted. The images topic
takes an image of ingest.maxImageBytes with 64 KiB for key and headers, every dead-letter
topic such a record with 16 KiB more of error headers (MessageSizes in pipeline-common);
maxMessageBytes 0 leaves the broker's default.
*/}}
{{- define "cyclegan.topics" -}}
{{- $t := .Values.kafka.topics -}}
{{- $imageRecord := add (int64 .Values.ingest.maxImageBytes) 65536 -}}
{{- $deadLetter := add $imageRecord 16384 -}}
{{- $topics := list
  (dict "name" $t.imagesIn "compacted" false)
  (dict "name" $t.translateRequests "compacted" false)
  (dict "name" $t.translateResults "compacted" false)
  (dict "name" $t.trainingCommands "compacted" false)
  (dict "name" $t.trainingEvents "compacted" false)
  (dict "name" $t.models "compacted" true)
  (dict "name" $t.datasets "compacted" true) -}}
{{- $all := list -}}
{{- range $topics -}}
{{- $all = append $all (merge (dict "partitions" $t.partitions "maxMessageBytes" (ternary $imageRecord 0 (eq .name $t.imagesIn))) .) -}}
{{- $all = append $all (dict "name" (printf "%s%s" .name $t.dlqSuffix) "compacted" false "partitions" $t.dlqPartitions "maxMessageBytes" $deadLetter) -}}
{{- end -}}
{{- toJson $all -}}
{{- end -}}
