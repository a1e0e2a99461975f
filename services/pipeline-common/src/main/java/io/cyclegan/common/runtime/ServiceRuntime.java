package io.cyclegan.common.runtime;

import io.cyclegan.common.config.ServiceSettings;
import io.cyclegan.common.kafka.KafkaClients;
import io.cyclegan.common.kafka.KafkaReadiness;
import io.cyclegan.common.server.Metrics;
import io.cyclegan.common.server.ReadinessCheck;
import io.cyclegan.common.server.SideServer;
import io.cyclegan.common.store.ObjectStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.clients.admin.AdminClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parts every service has, built in order and closed in reverse: the metrics registry, the
 * Kafka client factory, the object store (bucket created), and the side server whose {@code
 * /readyz} checks Kafka and the store. A service adds its own readiness checks with {@link
 * #addReadinessCheck}.
 */
public final class ServiceRuntime implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ServiceRuntime.class);

  private final ServiceSettings settings;
  private final Metrics metrics;
  private final KafkaClients kafka;
  private final AdminClient admin;
  private final ObjectStore store;
  private final SideServer sideServer;
  private final DeadLetters deadLetters;

  /**
   * @param bindAddress the side server's address ({@code 0.0.0.0} in a container, {@code 127.0.0.1}
   *     on a laptop)
   */
  public ServiceRuntime(String service, ServiceSettings settings, String bindAddress) {
    this.settings = settings;
    this.metrics = new Metrics(service);
    try {
      this.kafka =
          new KafkaClients(
              settings.kafka(),
              metrics.registry(),
              "cyclegan-" + service + "-" + settings.instanceId());
      this.admin = kafka.admin();
      this.store = new ObjectStore(settings.s3());
      store.ensureBucket();
      this.deadLetters =
          new DeadLetters(kafka.producer("dlq"), settings.topics(), metrics.registry());
      this.sideServer = sideServer(bindAddress, settings.metricsPort(), metrics);
    } catch (RuntimeException e) {
      close(); // what was built so far: one JVM may go on (tests, `cyclegan up`)
      throw e;
    }
    KafkaReadiness kafkaReady = new KafkaReadiness(admin);
    sideServer.addCheck(new ReadinessCheck("kafka", kafkaReady::isReachable));
    sideServer.addCheck(new ReadinessCheck("object-store", store::isReachable));
    log.info(
        "{} started: kafka {}, store {} bucket {}, metrics on port {}",
        service,
        settings.kafka().bootstrapServers(),
        settings.s3().endpoint(),
        settings.s3().bucket(),
        sideServer.port());
  }

  private static SideServer sideServer(String bindAddress, int port, Metrics metrics) {
    try {
      return new SideServer(bindAddress, port, metrics);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot listen on port " + port + " (CYCLEGAN_METRICS_PORT): " + e.getMessage(), e);
    }
  }

  public Metrics metrics() {
    return metrics;
  }

  public KafkaClients kafka() {
    return kafka;
  }

  public AdminClient admin() {
    return admin;
  }

  public ObjectStore store() {
    return store;
  }

  public DeadLetters deadLetters() {
    return deadLetters;
  }

  public SideServer sideServer() {
    return sideServer;
  }

  public ServiceRuntime addReadinessCheck(ReadinessCheck check) {
    sideServer.addCheck(check);
    return this;
  }

  /** The consumer group's static member id, or {@code null} for dynamic membership. */
  public String groupInstanceId() {
    return settings.staticMembership() ? settings.instanceId() : null;
  }

  @Override
  public void close() {
    if (sideServer != null) {
      sideServer.close();
    }
    if (deadLetters != null) {
      deadLetters.close();
    }
    if (admin != null) {
      admin.close();
    }
    if (kafka != null) {
      kafka.close();
    }
    metrics.close();
  }
}
