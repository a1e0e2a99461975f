package io.cyclegan.training.artifacts;

import io.cyclegan.common.messages.CloudEvents;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.messages.ModelAnnouncement;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.model.train.CycleGanTrainer;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a finished job as a model version, in an order that never lets a reader see a pointer
 * to something missing: the generators export and config.json first, then {@code latest.json} (one
 * PUT of the announcement), then the announcement on {@code cyclegan.models} keyed by model name.
 */
public final class ModelPublisher {
  private static final Logger log = LoggerFactory.getLogger(ModelPublisher.class);

  private final ObjectStore store;
  private final Producer<byte[], byte[]> producer;
  private final String modelsTopic;
  private final String source;
  private final Path tmpDir;

  public ModelPublisher(
      ObjectStore store,
      Producer<byte[], byte[]> producer,
      String modelsTopic,
      String source,
      Path tmpDir) {
    this.store = store;
    this.producer = producer;
    this.modelsTopic = modelsTopic;
    this.source = source;
    this.tmpDir = tmpDir;
  }

  /**
   * @param metrics the final loss readings, carried in the announcement
   */
  public ModelAnnouncement publish(
      CycleGanTrainer trainer,
      String model,
      String version,
      String jobId,
      String dataset,
      Map<String, Double> metrics)
      throws IOException {
    Files.createDirectories(tmpDir);
    Path tmp = Files.createTempFile(tmpDir, "generators-", ".tmp");
    try {
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp))) {
        trainer.exportGenerators(out);
      }
      store.putFile(ObjectKeys.modelGenerators(model, version), tmp, "application/octet-stream");
    } finally {
      Files.deleteIfExists(tmp);
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
    config.put("createdAt", Instant.now().toString());
    store.putJson(JobKeys.modelConfig(model, version), config);

    ModelAnnouncement announcement =
        ModelAnnouncement.of(
            model,
            version,
            store.bucket(),
            ObjectKeys.modelVersionPrefix(model, version),
            trainer.config().imageSize(),
            jobId,
            metrics);
    store.put(ObjectKeys.modelLatest(model), MessageCodec.encode(announcement), "application/json");
    try {
      producer
          .send(CloudEvents.record(modelsTopic, model, announcement, source))
          .get(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while announcing " + model + " " + version, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException(
          "cannot announce " + model + " " + version + " on " + modelsTopic + ": " + e, e);
    }
    log.info("published model {} version {}", model, version);
    return announcement;
  }
}
