package io.cyclegan.ingest;

import io.cyclegan.common.config.ServiceSettings;
import io.cyclegan.common.image.ImageValidator;
import io.cyclegan.common.runtime.ServiceRuntime;
import io.cyclegan.common.server.ReadinessCheck;
import io.cyclegan.ingest.consumer.ImagesConsumer;
import io.cyclegan.ingest.http.HttpApi;
import io.cyclegan.ingest.metrics.IngestMetrics;
import io.cyclegan.ingest.routing.HeaderParser;
import io.cyclegan.ingest.routing.IngestProcessor;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running ingest service, built from an {@link IngestConfig}: the side server, the consumer of
 * {@code cyclegan.images.in}, and the HTTP API, all sharing one {@link IngestProcessor}. {@code
 * IngestMain} runs one per process; tests and {@code cyclegan up} run one in-process:
 *
 * <pre>{@code
 * try (IngestService ingest = new IngestService(config, IngestService.LOOPBACK).start()) {
 *   ... ingest.httpPort() ...
 * }
 * }</pre>
 */
public final class IngestService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(IngestService.class);

  /** Bind address for a laptop or a test. */
  public static final String LOOPBACK = "127.0.0.1";

  /** Bind address in a container. */
  public static final String ALL_INTERFACES = "0.0.0.0";

  // A batch of up to 100 images of up to 1 MiB is decoded in seconds; the poll interval
  // (5 minutes) leaves room for a slow store.
  private static final int MAX_POLL_RECORDS = 100;
  private static final Duration OUTPUT_TIMEOUT = Duration.ofSeconds(60);

  private final IngestConfig config;
  private final String bindAddress;
  private Consumer<Throwable> onFatal =
      e -> log.error("the ingest consumer stopped; the service is no longer ready");

  private ServiceRuntime runtime;
  private KafkaProducer<byte[], byte[]> producer;
  private ExecutorService cpuPool;
  private ExecutorService ioPool;
  private ImagesConsumer consumer;
  private HttpApi http;
  private boolean started;
  private boolean closed;

  /**
   * @param bindAddress where the HTTP API and the side server listen: {@link #LOOPBACK} or {@link
   *     #ALL_INTERFACES}
   */
  public IngestService(IngestConfig config, String bindAddress) {
    this.config = Objects.requireNonNull(config, "config");
    this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress");
  }

  /**
   * What to do when the consumer stops on an error no retry can fix (credentials, rights, a fenced
   * instance id). The default logs; {@code IngestMain} exits so the pod restarts.
   */
  public IngestService onFatal(Consumer<Throwable> listener) {
    this.onFatal = Objects.requireNonNull(listener, "listener");
    return this;
  }

  /**
   * Connects to Kafka and the store (creating the bucket), binds both ports and starts consuming.
   * On failure everything built so far is closed again.
   */
  public synchronized IngestService start() {
    if (started) {
      throw new IllegalStateException("already started");
    }
    started = true;
    ServiceSettings s = config.settings();
    try {
      runtime = new ServiceRuntime(IngestConfig.SERVICE, s, bindAddress);
      // A reply topic that cannot be created fails in seconds, not the default minute.
      producer =
          runtime.kafka().producer("ingest", Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000"));
      cpuPool = pool("ingest-validate", config.threads());
      ioPool = pool("ingest-store", Math.max(4, 2 * config.threads()));
      String source = "/cyclegan/ingest/" + s.instanceId();
      IngestProcessor processor =
          new IngestProcessor(
              new ImageValidator(config.maxImageBytes(), config.maxImagePixels()),
              new HeaderParser(s.topics()),
              runtime.store(),
              producer,
              runtime.deadLetters(),
              s.topics(),
              new IngestMetrics(runtime.metrics().registry()),
              cpuPool,
              ioPool,
              source);
      consumer =
          new ImagesConsumer(
              runtime
                  .kafka()
                  .consumer(
                      "images",
                      s.groupId(),
                      runtime.groupInstanceId(),
                      Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, MAX_POLL_RECORDS)),
              s.topics().imagesIn(),
              processor,
              OUTPUT_TIMEOUT,
              e -> onFatal.accept(e));
      runtime.addReadinessCheck(new ReadinessCheck("images-consumer", consumer::isHealthy));
      http =
          new HttpApi(
              bindAddress,
              config.httpPort(),
              processor,
              runtime.store(),
              producer,
              s.topics(),
              config.maxUploadBytes(),
              config.maxImageBytes(),
              source);
      consumer.start();
      log.info(
          "ingest ready: HTTP on {}:{}, metrics on {}, consuming {} as group {}",
          bindAddress,
          http.port(),
          runtime.sideServer().port(),
          s.topics().imagesIn(),
          s.groupId());
      return this;
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** The HTTP API's port (the bound one when configured as 0). */
  public int httpPort() {
    requireStarted();
    return http.port();
  }

  /** The side server's port: {@code /metrics}, {@code /healthz}, {@code /readyz}. */
  public int metricsPort() {
    requireStarted();
    return runtime.sideServer().port();
  }

  public IngestConfig config() {
    return config;
  }

  private void requireStarted() {
    if (http == null || closed) {
      throw new IllegalStateException("the ingest service is not running");
    }
  }

  /**
   * Stops gracefully, in reverse order: no new HTTP requests (those in progress finish), the
   * consumer finishes and commits its batch in hand, then the pools, the producer (flushing) and
   * the shared clients close.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (http != null) {
      http.close();
    }
    if (consumer != null) {
      consumer.close();
    }
    shutdown(cpuPool);
    shutdown(ioPool);
    if (producer != null) {
      producer.close(Duration.ofSeconds(10));
    }
    if (runtime != null) {
      runtime.close();
    }
    log.info("ingest stopped");
  }

  private static ExecutorService pool(String name, int threads) {
    AtomicInteger n = new AtomicInteger();
    return Executors.newFixedThreadPool(
        threads,
        r -> {
          Thread t = new Thread(r, name + "-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }

  private static void shutdown(ExecutorService pool) {
    if (pool == null) {
      return;
    }
    pool.shutdown();
    try {
      if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
        pool.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      pool.shutdownNow();
    }
  }
}
