package io.cyclegan.inference;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.cyclegan.common.messages.ModelAnnouncement;
import io.cyclegan.common.runtime.ServiceRuntime;
import io.cyclegan.common.server.Liveness;
import io.cyclegan.common.server.ReadinessCheck;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.inference.delivery.DeliveryMetrics;
import io.cyclegan.inference.delivery.InFlight;
import io.cyclegan.inference.delivery.RequestConsumer;
import io.cyclegan.inference.models.AnnouncementListener;
import io.cyclegan.inference.models.LatestPointerPoller;
import io.cyclegan.inference.models.ModelCache;
import io.cyclegan.inference.models.ModelRef;
import io.cyclegan.inference.models.ModelVersions;
import io.cyclegan.inference.models.StoreModelLoader;
import io.cyclegan.inference.pipeline.InferenceMetrics;
import io.cyclegan.inference.pipeline.Pipeline;
import io.cyclegan.model.device.DeviceSelector;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One inference worker: consumes claim checks, translates them in dynamic batches, writes outputs
 * and publishes results. Built from an {@link InferenceConfig} by {@link InferenceWorkerMain}, by
 * {@code cyclegan up}, and by tests; {@link #start} starts it, {@link #close} stops it gracefully
 * (in-flight requests finish, results are published, offsets committed), {@link #crash} stops it as
 * a kill would (nothing committed, in-flight work dropped).
 *
 * <p>Its long-lived loops (request consumer, announcement listener, latest-pointer poller, model
 * thread, stage pools) run under the runtime's {@link Liveness}: a loop that cannot go on is
 * reported dead on {@code /healthz}, and {@link InferenceWorkerMain} exits the process.
 */
public final class InferenceWorker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(InferenceWorker.class);
  private static final long DRAIN_TIMEOUT_MS = 30_000;

  private final InferenceConfig config;
  private final ServiceRuntime runtime;
  private final Device device;
  private final ModelVersions versions;
  private final ModelCache models;
  private final ExecutorService prefetch;
  private final KafkaProducer<byte[], byte[]> results;
  private final Pipeline pipeline;
  private final RequestConsumer consumer;
  private final AnnouncementListener announcements;
  private final LatestPointerPoller pointerPoller;
  private final InFlight inFlight;
  private boolean started;
  private boolean stopped;

  /** As {@link #InferenceWorker(InferenceConfig, String)} on {@code config.bindAddress()}. */
  public InferenceWorker(InferenceConfig config) {
    this(config, config.bindAddress());
  }

  /**
   * Connects to Kafka and the store and loads the engine; nothing is consumed before start.
   *
   * @param bindAddress the side server's address ({@code 0.0.0.0} in a container)
   */
  public InferenceWorker(InferenceConfig config, String bindAddress) {
    this.config = config;
    this.runtime = new ServiceRuntime(InferenceConfig.SERVICE, config.service(), bindAddress);
    try {
      MeterRegistry registry = runtime.metrics().registry();
      this.device = DeviceSelector.select(config.device());
      log.info(
          "engine {} {} on {}",
          Engine.getInstance().getEngineName(),
          Engine.getInstance().getVersion(),
          device);
      this.versions =
          new ModelVersions(
              (model, deadline) ->
                  (deadline == null ? runtime.store() : runtime.store().withDeadline(deadline))
                      .getJson(ObjectKeys.modelLatest(model), ModelAnnouncement.class));
      this.models =
          new ModelCache(
              config.modelCacheSize(),
              new StoreModelLoader(runtime.store(), device, registry),
              registry);
      this.prefetch =
          Executors.newSingleThreadExecutor(
              r -> {
                Thread t = new Thread(r, "inference-model-prefetch");
                t.setDaemon(true);
                return t;
              });
      // A send blocked on metadata (the broker away) gives its thread back after 10 s and is
      // retried on a timer, instead of holding one of the two publish threads for a minute.
      this.results =
          runtime.kafka().producer("results", Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000"));
      InferenceMetrics metrics = new InferenceMetrics(registry, config.maxBatch());
      this.inFlight = new InFlight(config.maxInFlight());
      Gauge.builder("cyclegan.inference.in.flight", inFlight, InFlight::count)
          .description("requests taken from Kafka and not yet answered")
          .register(registry);
      this.pipeline =
          new Pipeline(
              new Pipeline.Settings(
                  config.maxBatch(),
                  config.maxBatchDelayMs(),
                  config.maxEdge(),
                  config.maxInFlight(),
                  2,
                  2,
                  config.requestDeadline(),
                  runtime.retry(),
                  config.maxInputBytes(),
                  config.modelThreads()),
              runtime.store(),
              versions,
              models,
              results,
              runtime.deadLetters(),
              config.replyTopics(),
              "/cyclegan/inference/" + config.service().instanceId(),
              metrics,
              device,
              runtime.liveness());
      this.consumer =
          new RequestConsumer(
              runtime
                  .kafka()
                  .consumer(
                      "requests",
                      config.service().groupId(),
                      runtime.groupInstanceId(),
                      Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.maxInFlight())),
              config.service().topics().translateRequests(),
              inFlight,
              pipeline,
              DRAIN_TIMEOUT_MS,
              new DeliveryMetrics(registry),
              runtime.retry(),
              runtime.liveness());
      this.announcements =
          new AnnouncementListener(
              runtime.kafka().consumer("models", null),
              config.service().topics().models(),
              this::onAnnouncement,
              runtime.retry(),
              runtime.liveness());
      this.pointerPoller =
          new LatestPointerPoller(
              versions, this::onAnnouncement, config.modelPollInterval(), runtime.liveness());
      runtime.addReadinessCheck(new ReadinessCheck("model-serving", this::isReady));
    } catch (RuntimeException e) {
      runtime.close();
      throw e;
    }
  }

  /** Starts consuming; a second call does nothing. */
  public synchronized InferenceWorker start() {
    if (stopped) {
      throw new IllegalStateException("the inference worker is closed");
    }
    if (started) {
      return this;
    }
    started = true;
    announcements.start();
    pointerPoller.start();
    pipeline.start();
    consumer.start();
    log.info(
        "inference worker consuming {} (group {}): maxBatch {}, maxBatchDelayMs {}, maxEdge {},"
            + " model cache {}",
        config.service().topics().translateRequests(),
        config.service().groupId(),
        config.maxBatch(),
        config.maxBatchDelayMs(),
        config.maxEdge(),
        config.modelCacheSize());
    return this;
  }

  private void onAnnouncement(ModelAnnouncement a) {
    if (versions.announce(a)) {
      log.info("model {} version {} is the newest", a.model(), a.version());
      // Load the new version before requests need it, if this worker serves the model at all.
      if (models.holdsAnyVersionOf(a.model())) {
        models.prefetch(new ModelRef(a.model(), a.version()), prefetch);
      }
    }
  }

  /** Ready once the engine is loaded and the consumer has joined its group. */
  public boolean isReady() {
    return started && !stopped && consumer.joined();
  }

  /** The request partitions this worker owns now. */
  public Set<TopicPartition> assignment() {
    return consumer.assignment();
  }

  /** The worker's loops; {@code /healthz} fails when one has died. */
  public Liveness liveness() {
    return runtime.liveness();
  }

  public MeterRegistry registry() {
    return runtime.metrics().registry();
  }

  public InferenceConfig config() {
    return config;
  }

  /** Metrics, clients, store, dead letters and the liveness of the worker's loops. */
  public ServiceRuntime runtime() {
    return runtime;
  }

  /** The side server's port ({@code /metrics}, {@code /healthz}, {@code /readyz}). */
  public int metricsPort() {
    return runtime.sideServer().port();
  }

  /** Requests taken from Kafka and not yet answered. */
  public int inFlight() {
    return inFlight.count();
  }

  /** Graceful: stop taking requests, finish those in flight, publish, commit, close. */
  @Override
  public synchronized void close() {
    if (stopped) {
      return;
    }
    stopped = true;
    if (started) {
      pipeline.drain();
      consumer.stop();
      pipeline.close(DRAIN_TIMEOUT_MS);
    }
    pointerPoller.close();
    announcements.close();
    results.close(Duration.ofSeconds(10));
    prefetch.shutdownNow();
    models.close();
    runtime.close();
    log.info("inference worker stopped");
  }

  /**
   * Stops like a killed process, for tests: the consumer closes without committing and every
   * request in flight is dropped (results already sent stay sent).
   */
  public synchronized void crash() {
    if (stopped) {
      return;
    }
    stopped = true;
    log.warn("inference worker crashing on purpose");
    if (started) {
      consumer.crash();
      pipeline.crash();
    }
    pointerPoller.close();
    announcements.close();
    results.close(Duration.ZERO);
    prefetch.shutdownNow();
    models.close();
    runtime.close();
  }
}
