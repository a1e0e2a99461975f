package io.cyclegan.training.artifacts;

import io.cyclegan.common.fault.Faults;
import io.cyclegan.common.fault.Retrier;
import io.cyclegan.common.fault.RetryPolicy;
import io.cyclegan.common.messages.CloudEvents;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.messages.ModelAnnouncement;
import io.cyclegan.common.messages.TrainingCommand.InitFrom;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.common.trace.TraceContext;
import io.cyclegan.model.train.CycleGanTrainer;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a finished job as a model version, in an order that never lets a reader see a pointer
 * to something missing: the generators export and config.json first, then {@code latest.json} (one
 * PUT of the announcement), then the announcement on {@code cyclegan.models} keyed by model name.
 *
 * <p>Idempotent, so a retry may repeat it: every write puts the same bytes under the same key, and
 * an announcement sent twice names the same version. Each step waits out a store or broker outage
 * for the outage budget (the store itself; the announcement with {@link #retrier}); after that a
 * transient fault ({@code StoreUnavailableException}, {@link AnnouncementUnavailableException})
 * reaches the caller, which leaves the job to be tried again rather than failing it.
 */
public final class ModelPublisher {
  private static final Logger log = LoggerFactory.getLogger(ModelPublisher.class);

  private final ObjectStore store;
  private final Producer<byte[], byte[]> producer;
  private final String modelsTopic;
  private final String source;
  private final Path tmpDir;
  private final Retrier retrier;

  /**
   * @param retrier how long an announcement waits for a broker that is away
   */
  public ModelPublisher(
      ObjectStore store,
      Producer<byte[], byte[]> producer,
      String modelsTopic,
      String source,
      Path tmpDir,
      Retrier retrier) {
    this.store = store;
    this.producer = producer;
    this.modelsTopic = modelsTopic;
    this.source = source;
    this.tmpDir = tmpDir;
    this.retrier = retrier;
  }

  /** The same publisher with another retry policy (the poll thread waits less). */
  public ModelPublisher withPolicy(RetryPolicy policy) {
    return new ModelPublisher(
        store.withPolicy(policy),
        producer,
        modelsTopic,
        source,
        tmpDir,
        new Retrier(policy, retrier.dependency()));
  }

  /**
   * @param initFrom the version the job was fine-tuned from (recorded in config.json), or null
   * @param metrics the final loss readings, carried in the announcement
   * @param principal who started the job ({@code cg-principal}), or {@code null}; recorded in
   *     {@code latest.json} and the announcement with the version it replaces
   */
  public ModelAnnouncement publish(
      CycleGanTrainer trainer,
      String model,
      String version,
      String jobId,
      String dataset,
      InitFrom initFrom,
      Map<String, Double> metrics,
      String principal)
      throws IOException {
    Files.createDirectories(tmpDir);
    Path tmp = Files.createTempFile(tmpDir, "generators-", ".tmp");
    try {
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp))) {
        trainer.exportGenerators(out);
      }
      Map<String, Object> config = new LinkedHashMap<>();
      config.put("model", model);
      config.put("version", version);
      config.put("jobId", jobId);
      config.put("dataset", dataset);
      config.put("device", trainer.device().toString());
      config.put("epochs", trainer.epoch());
      config.put("globalStep", trainer.globalStep());
      config.put("params", trainer.config().toParams());
      if (initFrom != null) {
        config.put("initFrom", initFrom);
      }
      config.put("createdAt", Instant.now().toString());
      return publish(
          model, version, tmp, config, trainer.config().imageSize(), jobId, metrics, principal);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Publishes a generators archive ({@code CGANGENS}, as a trainer exports it) as a version: the
   * one publication order for trained and imported versions alike, so the inference worker cannot
   * tell them apart.
   *
   * @param generators the archive, a local file
   * @param config what {@code config.json} says of the version
   * @param jobId the job (or import) that made it, or null (the CLI's import)
   * @param principal who asked for it ({@code cg-principal}), or {@code null}
   */
  public ModelAnnouncement publish(
      String model,
      String version,
      Path generators,
      Map<String, Object> config,
      int imageSize,
      String jobId,
      Map<String, Double> metrics,
      String principal) {
    store.putFile(
        ObjectKeys.modelGenerators(model, version), generators, "application/octet-stream");
    store.putJson(JobKeys.modelConfig(model, version), config);
    // Who replaced what: read before the pointer moves; a retry finds its own version there.
    String previous =
        store
            .get(ObjectKeys.modelLatest(model))
            .map(bytes -> MessageCodec.decode(bytes, ModelAnnouncement.class))
            .map(a -> version.equals(a.version()) ? a.previousVersion() : a.version())
            .orElse(null);
    ModelAnnouncement announcement =
        ModelAnnouncement.of(
                model,
                version,
                store.bucket(),
                ObjectKeys.modelVersionPrefix(model, version),
                imageSize,
                jobId,
                metrics)
            .withPublisher(principal, previous);
    store.put(ObjectKeys.modelLatest(model), MessageCodec.encode(announcement), "application/json");
    announce(announcement);
    log.info(
        "published model {} version {} (job {}, principal {}, replacing {})",
        model,
        version,
        jobId,
        principal == null ? "none" : principal,
        previous == null ? "nothing" : previous);
    return announcement;
  }

  /** Whether {@code model} has a version {@code version} (its generators are in the store). */
  public boolean exists(String model, String version) {
    return store.exists(ObjectKeys.modelGenerators(model, version));
  }

  /**
   * Announces {@code version} again from {@code latest.json}, for a job found completed whose
   * announcement may never have gone out. Does nothing when {@code latest.json} names another
   * version: a newer one was published since, and announcing the old one would roll readers back.
   *
   * @return whether it announced
   */
  public boolean reannounce(String model, String version) {
    Optional<ModelAnnouncement> latest =
        store
            .get(ObjectKeys.modelLatest(model))
            .map(bytes -> MessageCodec.decode(bytes, ModelAnnouncement.class));
    if (latest.isEmpty() || !version.equals(latest.get().version())) {
      log.info(
          "model {} version {} not announced again: latest.json names {}",
          model,
          version,
          latest.map(ModelAnnouncement::version).orElse("nothing"));
      return false;
    }
    announce(latest.get());
    log.info("announced model {} version {} again", model, version);
    return true;
  }

  private void announce(ModelAnnouncement announcement) {
    String what = "announce " + announcement.model() + " " + announcement.version();
    ProducerRecord<byte[], byte[]> record =
        CloudEvents.record(modelsTopic, announcement.model(), announcement, source);
    // A child of the job's trace (docs/reliability.md, "Trace context").
    TraceContext.current().ifPresent(trace -> trace.child().on(record));
    try {
      retrier.call(
          what,
          () -> {
            try {
              return producer.send(record).get();
            } catch (ExecutionException e) {
              throw e.getCause() instanceof Exception cause ? cause : e;
            }
          });
    } catch (Retrier.GaveUp e) {
      String message = "cannot " + what + " on " + modelsTopic + ": " + e.getCause();
      if (e.transientFault()) {
        throw new AnnouncementUnavailableException(message, e.getCause());
      }
      throw new IllegalStateException(message, e.getCause());
    }
  }

  /** Kafka did not take the announcement within the outage budget: try the publication again. */
  public static final class AnnouncementUnavailableException extends RuntimeException
      implements Faults.TransientFault {
    private static final long serialVersionUID = 1L;

    AnnouncementUnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
