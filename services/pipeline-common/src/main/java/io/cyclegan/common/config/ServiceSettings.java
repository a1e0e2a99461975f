package io.cyclegan.common.config;

import io.cyclegan.common.fault.RetryPolicy;
import io.cyclegan.common.messages.Topics;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * What every service reads: Kafka, the object store, topic names, its side-server port, its
 * instance id and consumer group. Each service's own config record holds one of these.
 */
public record ServiceSettings(
    KafkaSettings kafka,
    S3Settings s3,
    Topics topics,
    int metricsPort,
    String instanceId,
    boolean staticMembership,
    String groupId,
    RetryPolicy retry) {

  public ServiceSettings {
    if (retry == null) {
      retry = RetryPolicy.DEFAULT;
    }
  }

  /** Settings with the default retry policy. */
  public ServiceSettings(
      KafkaSettings kafka,
      S3Settings s3,
      Topics topics,
      int metricsPort,
      String instanceId,
      boolean staticMembership,
      String groupId) {
    this(kafka, s3, topics, metricsPort, instanceId, staticMembership, groupId, null);
  }

  public ServiceSettings withRetry(RetryPolicy policy) {
    return new ServiceSettings(
        kafka, s3, topics, metricsPort, instanceId, staticMembership, groupId, policy);
  }

  /**
   * @param service the service's short name ({@code ingest}, {@code training}, {@code inference}),
   *     used for the default group id
   * @param defaultMetricsPort the service's well-known side port
   */
  public static ServiceSettings fromEnv(Env env, String service, int defaultMetricsPort) {
    // Static membership only when an operator gives a stable id (a pod name): two processes
    // sharing a default host name would fence each other.
    boolean given = env.optional("CYCLEGAN_INSTANCE_ID").isPresent();
    // Read by logback.xml, which finds no format file for any other value and would then log
    // nothing: refused here, so the service stops with one line naming it instead.
    // Taken as it is (an empty value too: logback would look for "log-format-.xml").
    String logFormat = env.asMap().get("CYCLEGAN_LOG_FORMAT");
    if (logFormat != null && !logFormat.matches("text|json")) {
      throw new ConfigException(
          "CYCLEGAN_LOG_FORMAT", "expected text or json, got '" + logFormat + "'");
    }
    return new ServiceSettings(
        KafkaSettings.fromEnv(env),
        S3Settings.fromEnv(env),
        Topics.fromEnv(env.asMap()),
        env.integer("CYCLEGAN_METRICS_PORT", defaultMetricsPort, 0, 65535),
        given
            ? env.matching(
                "CYCLEGAN_INSTANCE_ID",
                null,
                "[A-Za-z0-9._-]{1,200}",
                "letters, digits, '.', '_' or '-'")
            : defaultInstanceId(service), // a host name lookup, only when needed
        given,
        env.string("CYCLEGAN_GROUP_ID", "cyclegan-" + service),
        RetryPolicy.fromEnv(env));
  }

  private static String defaultInstanceId(String service) {
    try {
      return InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._-]", "-");
    } catch (UnknownHostException e) {
      return service + "-" + ProcessHandle.current().pid();
    }
  }
}
