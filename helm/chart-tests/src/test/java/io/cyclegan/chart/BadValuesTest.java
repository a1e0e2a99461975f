package io.cyclegan.chart;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Values the chart refuses, each with a message that names the value and what is wrong. */
class BadValuesTest {

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "ingest.replicaCount | -1 | ingest.replicaCount: Must be greater than or equal to 0",
        "training.replicaCount | -2 | training.replicaCount: Must be greater than or equal to 0",
        "inference.replicaCount | -1 | inference.replicaCount: Must be greater than or equal to 0",
        "ingest.replicas | 2 | ingest: Additional property replicas is not allowed",
        "unknownKey | true | Additional property unknownKey is not allowed",
        "training.gpu.count | 0 | training.gpu.count: Must be greater than or equal to 1",
        "training.device | tpu | training.device: Does not match pattern",
        "inference.autoscaling.kind | vpa | inference.autoscaling.kind: inference.autoscaling.kind must be one of the following",
        "kafka.topics.partitions | 0 | kafka.topics.partitions: Must be greater than or equal to 1",
        "kafka.topics.imagesIn | bad topic | kafka.topics.imagesIn: Does not match pattern",
        "kafka.bootstrapServers | kafka | kafka.bootstrapServers: Does not match pattern",
        "s3.endpoint | minio:9000 | s3.endpoint: Does not match pattern",
        "ingest.metricsPort | 70000 | ingest.metricsPort: Must be less than or equal to 65535",
        "s3.bucket | My_Bucket | s3.bucket: Does not match pattern",
        "image.pullPolicy | Sometimes | image.pullPolicy: image.pullPolicy must be one of the following",
        "training.cache.sizeLimit | lots | training.cache.sizeLimit: Does not match pattern",
        "metrics.prometheusRule.consumerLagFor | ten minutes | metrics.prometheusRule.consumerLagFor: Does not match pattern",
        "ingest.image.digest | latest | ingest.image.digest: Does not match pattern",
        "training.probes.liveness.periodSeconds | 0 | training.probes.liveness.periodSeconds: Must be greater than or equal to 1",
      })
  void shouldRefuseValuesTheSchemaForbidsWithAMessageNamingThem(
      String key, String value, String message) {
    assertThatThrownBy(() -> Chart.render(null, Map.of(key, value)))
        .hasMessageContaining("values don't meet the specifications of the schema")
        .hasMessageContaining(message);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "trial.kafka.enabled=false | kafka.bootstrapServers is required when trial.kafka.enabled is false",
        "trial.minio.enabled=false,s3.auth.existingSecret=s3 | s3.endpoint is required when trial.minio.enabled is false",
        "trial.minio.enabled=false,s3.endpoint=http://s3.local:9000 | S3 credentials are missing: set s3.auth.existingSecret",
        "s3.auth.accessKey=only-one | set both s3.auth.accessKey and s3.auth.secretKey, or neither",
        "kafka.sasl.jaasConfig=x,kafka.sasl.existingSecret=y | set either kafka.sasl.jaasConfig or kafka.sasl.existingSecret, not both",
        "kafka.config.ssl\\.truststore\\.password=changeit | kafka.config.ssl.truststore.password looks like a secret",
        "kafka.topics.replicationFactor=0 | kafka.topics.replicationFactor must be -1",
        "kafka.topics.strimzi.enabled=true | kafka.topics.create.enabled and kafka.topics.strimzi.enabled are exclusive",
        "kafka.topics.create.enabled=false,kafka.topics.strimzi.enabled=true | kafka.topics.strimzi.clusterName is required",
      })
  void shouldRefuseInconsistentValuesWithAMessageSayingWhatToSet(String sets, String message) {
    Map<String, Object> overrides = new java.util.LinkedHashMap<>();
    for (String set : sets.split("(?<!\\\\),")) {
      int eq = set.lastIndexOf('=');
      overrides.put(set.substring(0, eq), set.substring(eq + 1));
    }
    assertThatThrownBy(() -> Chart.render(null, overrides)).hasMessageContaining(message);
  }
}
