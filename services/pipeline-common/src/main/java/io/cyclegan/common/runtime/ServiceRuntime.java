package io.cyclegan.common.runtime;

import io.cyclegan.common.config.ServiceSettings;
import io.cyclegan.common.fault.Dependency;
import io.cyclegan.common.fault.RetryPolicy;
import io.cyclegan.common.kafka.KafkaClients;
import io.cyclegan.common.kafka.KafkaReadiness;
import io.cyclegan.common.server.BackgroundProbe;
import io.cyclegan.common.server.Liveness;
import io.cyclegan.common.server.Metrics;
import io.cyclegan.common.server.ReadinessCheck;
import io.cyclegan.common.server.SideServer;
import io.cyclegan.common.store.ObjectStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parts every service has, built in order and closed in reverse: the metrics registry, the
 * Kafka client factory, the object store (bucket created), the dead-letter policy, the {@link
 * Liveness} of the service's loops, and the side server whose {@code /readyz} reads background
 * probes of Kafka and the store and whose {@code /healthz} reads the liveness. A service adds its
 * own readiness checks with {@link #addReadinessCheck}.
 *
 * <p>The store waits out transient faults for the outage budget ({@link RetryPolicy#fromEnv}); a
 * store that is away at start-up is waited for too, not a reason to crash-loop.
 */
public final class ServiceRuntime implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ServiceRuntime.class);
  private static final Duration PROBE_INTERVAL = Duration.ofSeconds(2);
  private static final Duration PROBE_STALE = Duration.ofSeconds(8);

  private final ServiceSettings settings;
  private final Metrics metrics;
  private final KafkaClients kafka;
  private final AdminClient admin;
  private final ObjectStore store;
  private final SideServer sideServer;
  private final DeadLetters deadLetters;
  private final Liveness liveness = new Liveness();
  private final RetryPolicy retry;
  private BackgroundProbe kafkaProbe;
  private BackgroundProbe storeProbe;

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
      this.retry = settings.retry();
      this.store =
          new ObjectStore(
              settings.s3(), retry, new Dependency("object-store").bindTo(metrics.registry()));
      store.ensureBucket();
      this.deadLetters =
          new DeadLetters(
              kafka.producer(
                  "dlq",
                  // A send waiting for metadata never blocks a loop for a minute.
                  Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000")),
              settings.topics(),
              metrics.registry(),
              store,
              admin,
              liveness);
      this.sideServer = sideServer(bindAddress, settings.metricsPort(), metrics, liveness);
      KafkaReadiness kafkaReady = new KafkaReadiness(admin);
      Dependency kafkaState = new Dependency("kafka").bindTo(metrics.registry());
      this.kafkaProbe =
          new BackgroundProbe(
              "kafka",
              () -> {
                boolean up = kafkaReady.isReachable();
                if (up) {
                  kafkaState.succeeded();
                } else {
                  kafkaState.failed(new IllegalStateException("kafka metadata request failed"));
                }
                return up;
              },
              PROBE_INTERVAL,
              PROBE_STALE);
      this.storeProbe =
          new BackgroundProbe("object-store", store::isReachable, PROBE_INTERVAL, PROBE_STALE);
    } catch (RuntimeException e) {
      close(); // what was built so far: one JVM may go on (tests, `cyclegan up`)
      throw e;
    }
    sideServer.addCheck(new ReadinessCheck("kafka", kafkaProbe));
    sideServer.addCheck(new ReadinessCheck("object-store", storeProbe));
    log.info(
        "{} started: kafka {}, store {} bucket {}, metrics on port {}",
        service,
        settings.kafka().bootstrapServers(),
        settings.s3().endpoint(),
        settings.s3().bucket(),
        sideServer.port());
  }

  private static SideServer sideServer(
      String bindAddress, int port, Metrics metrics, Liveness liveness) {
    try {
      return new SideServer(bindAddress, port, metrics, liveness);
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

  /** The service's long-lived loops; {@code /healthz} fails when one has died. */
  public Liveness liveness() {
    return liveness;
  }

  /** How long the service waits out transient faults. */
  public RetryPolicy retry() {
    return retry;
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
    if (kafkaProbe != null) {
      kafkaProbe.close();
    }
    if (storeProbe != null) {
      storeProbe.close();
    }
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
