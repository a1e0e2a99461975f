package io.cyclegan.ingest;

import io.cyclegan.common.config.ServiceSettings;
import io.cyclegan.common.image.ImageValidator;
import io.cyclegan.common.runtime.ServiceRuntime;
import io.cyclegan.common.server.ReadinessCheck;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.ingest.auth.ApiAuth;
import io.cyclegan.ingest.catalog.CatalogRefresher;
import io.cyclegan.ingest.catalog.DatasetCounts;
import io.cyclegan.ingest.consumer.ImagesConsumer;
import io.cyclegan.ingest.http.DeadLettersResource;
import io.cyclegan.ingest.http.HttpApi;
import io.cyclegan.ingest.http.ModelImportResource;
import io.cyclegan.ingest.metrics.IngestMetrics;
import io.cyclegan.ingest.retention.RequestSweeper;
import io.cyclegan.ingest.routing.HeaderParser;
import io.cyclegan.ingest.routing.IngestProcessor;
import io.cyclegan.ingest.routing.ReplySender;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running ingest service, built from an {@link IngestConfig}: the side server, the consumer of
 * {@code cyclegan.images.in}, and the HTTP API, all sharing one {@link IngestProcessor}. {@code
 * IngestMain} runs one per process; tests and {@code cyclegan up} run one in-process.
 *
 * <p>The lifecycle of all three services: the constructor builds everything (connects, binds both
 * ports) or, failing, closes what it built and throws; {@link #start()} starts the loops and
 * serving and may be called again; {@link #close()} stops in reverse order and may be called again.
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

  // A batch of up to 100 images of up to 1 MiB is decoded in seconds. One attempt at it waits at
  // most STORE_WAIT for the store and OUTPUT_TIMEOUT for the broker, well inside the poll interval
  // (5 minutes); a longer outage is waited out between attempts, with the partitions paused.
  private static final int MAX_POLL_RECORDS = 100;
  private static final Duration STORE_WAIT = Duration.ofSeconds(30);
  private static final Duration OUTPUT_TIMEOUT = Duration.ofSeconds(60);

  // A reply to a topic the broker has no metadata for waits this long, on a reply thread, before
  // it goes to the results topic instead (ReplySender).
  private static final String REPLY_MAX_BLOCK_MS = "2000";

  private final IngestConfig config;
  private final String bindAddress;
  private final ServiceRuntime runtime;
  private final KafkaProducer<byte[], byte[]> producer;
  private final ReplySender replies;
  private final ExecutorService cpuPool;
  private final ExecutorService ioPool;
  private final ImagesConsumer consumer;
  private final HttpApi http;
  private final CatalogRefresher catalogRefresher;
  private final RequestSweeper sweeper;
  private boolean started;
  private boolean closed;

  /**
   * Connects to Kafka and the store (creating the bucket) and binds both ports; nothing is read or
   * served before {@link #start()}. On failure everything built so far is closed again.
   *
   * @param bindAddress where the HTTP API and the side server listen: {@link #LOOPBACK} or {@link
   *     #ALL_INTERFACES}
   */
  public IngestService(IngestConfig config, String bindAddress) {
    this.config = Objects.requireNonNull(config, "config");
    this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress");
    ServiceSettings s = config.settings();
    String source = "/cyclegan/ingest/" + s.instanceId();
    // First, before connecting: no authentication is refused on anything but loopback.
    ApiAuth auth = ApiAuth.of(config.auth(), bindAddress);
    Deque<AutoCloseable> built = new ArrayDeque<>();
    try {
      this.runtime = built(built, new ServiceRuntime(IngestConfig.SERVICE, s, bindAddress));
      // A topic whose metadata is missing fails a send in seconds, not the default minute.
      this.producer =
          built(
              built,
              runtime
                  .kafka()
                  .producer("ingest", Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000")),
              p -> p.close(Duration.ofSeconds(10)));
      this.replies =
          built(
              built,
              new ReplySender(
                  runtime
                      .kafka()
                      .producer(
                          "replies",
                          Map.of(
                              ProducerConfig.MAX_BLOCK_MS_CONFIG, REPLY_MAX_BLOCK_MS,
                              ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000",
                              ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "10000")),
                  producer,
                  config.replyTopics(),
                  source));
      this.cpuPool =
          built(built, pool("ingest-validate", config.threads()), IngestService::shutdown);
      this.ioPool =
          built(
              built,
              pool("ingest-store", Math.max(4, 2 * config.threads())),
              IngestService::shutdown);
      IngestMetrics metrics = new IngestMetrics(runtime.metrics().registry());
      DatasetCounts datasetCounts = new DatasetCounts(Clock.systemUTC());
      this.catalogRefresher =
          built(
              built,
              new CatalogRefresher(runtime.store(), datasetCounts, config.catalogRefresh()),
              CatalogRefresher::close);
      this.sweeper =
          built(
              built,
              new RequestSweeper(runtime.store(), config.retention(), Clock.systemUTC()),
              RequestSweeper::close);
      IngestProcessor processor =
          new IngestProcessor(
              new ImageValidator(config.maxImageBytes(), config.maxImagePixels()),
              new HeaderParser(s.topics(), config.replyTopics()),
              runtime.store(),
              producer,
              replies,
              runtime.deadLetters(),
              s.topics(),
              metrics,
              cpuPool,
              ioPool,
              source,
              datasetCounts);
      this.consumer =
          built(
              built,
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
                  new ImagesConsumer.Settings(
                      STORE_WAIT, OUTPUT_TIMEOUT, runtime.retry(), config.maxBatchDecodedBytes()),
                  runtime.liveness(),
                  metrics));
      this.http =
          built(
              built,
              new HttpApi(
                  bindAddress,
                  config.httpPort(),
                  processor,
                  // A person is waiting: reads give up on a store fault in seconds, with a 503.
                  runtime.store().withPolicy(ObjectStore.INTERACTIVE),
                  producer,
                  s.topics(),
                  config.maxUploadBytes(),
                  config.maxImageBytes(),
                  config.maxBatchDecodedBytes(),
                  source,
                  auth,
                  config.frontDoor(),
                  runtime.metrics().registry(),
                  new ModelImportResource(
                      runtime.store().withPolicy(ObjectStore.INTERACTIVE),
                      producer,
                      s.topics().trainingCommands(),
                      source,
                      config.maxImportBytes(),
                      config.frontDoor().requestTimeout()),
                  new DeadLettersResource(
                      s.topics(),
                      () ->
                          runtime
                              .kafka()
                              .consumer(
                                  "dead-letters",
                                  null,
                                  null,
                                  Map.of(
                                      ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                                      DeadLettersResource.MAX_POLL_RECORDS,
                                      // reading never creates a topic
                                      ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG,
                                      false)),
                      producer,
                      runtime.metrics().registry())));
    } catch (RuntimeException e) {
      closeAll(built);
      throw e;
    }
    runtime.addReadinessCheck(
        new ReadinessCheck(
            ImagesConsumer.LOOP_NAME, () -> consumer.isHealthy() && !consumer.isWaiting()));
  }

  /** Starts consuming and serving HTTP; a second call does nothing. */
  public synchronized IngestService start() {
    if (closed) {
      throw new IllegalStateException("the ingest service is closed");
    }
    if (started) {
      return this;
    }
    started = true;
    consumer.start();
    http.start();
    catalogRefresher.start();
    sweeper.start();
    log.info(
        "ingest ready: HTTP on {}:{}, metrics on {}, consuming {} as group {}",
        bindAddress,
        http.port(),
        runtime.sideServer().port(),
        config.settings().topics().imagesIn(),
        config.settings().groupId());
    return this;
  }

  public IngestConfig config() {
    return config;
  }

  /**
   * Metrics, clients, store, dead letters and the {@link ServiceRuntime#liveness()} of the loops
   * ({@code IngestMain} exits when one dies).
   */
  public ServiceRuntime runtime() {
    return runtime;
  }

  /** The HTTP API's port (the bound one when configured as 0). */
  public int httpPort() {
    return http.port();
  }

  /** The side server's port: {@code /metrics}, {@code /healthz}, {@code /readyz}. */
  public int metricsPort() {
    return runtime.sideServer().port();
  }

  /**
   * Stops gracefully, in reverse order of construction: no new HTTP requests (those in progress
   * finish), the consumer finishes and commits its batch in hand, then the pools, the reply and
   * main producers (flushing) and the shared clients close. A second call does nothing.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    http.close();
    consumer.close();
    sweeper.close();
    catalogRefresher.close();
    shutdown(ioPool);
    shutdown(cpuPool);
    replies.close();
    producer.close(Duration.ofSeconds(10));
    runtime.close();
    log.info("ingest stopped");
  }

  private static <T extends AutoCloseable> T built(Deque<AutoCloseable> built, T part) {
    built.push(part);
    return part;
  }

  private static <T> T built(Deque<AutoCloseable> built, T part, Closer<T> closer) {
    built.push(() -> closer.close(part));
    return part;
  }

  @FunctionalInterface
  private interface Closer<T> {
    void close(T part);
  }

  /** Closes what the constructor built, newest first, keeping the first error as the cause. */
  private static void closeAll(Deque<AutoCloseable> built) {
    while (!built.isEmpty()) {
      try {
        built.pop().close();
      } catch (Exception e) {
        log.warn("error while closing after a failed start: {}", e.toString());
      }
    }
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
