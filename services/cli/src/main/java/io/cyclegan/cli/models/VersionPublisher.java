package io.cyclegan.cli.models;

import io.cyclegan.common.messages.CloudEvents;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.messages.ModelAnnouncement;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.common.store.ObjectStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;

/**
 * Publishes a generators archive as a model version in the order the training worker's {@code
 * ModelPublisher} uses, so the inference worker cannot tell an imported version from a trained one:
 * {@code generators.bin} and {@code config.json} first, then {@code latest.json} (one PUT of the
 * announcement), then the announcement on {@code cyclegan.models} keyed by model name. A reader
 * never sees a pointer to something missing.
 */
final class VersionPublisher {

  private final ObjectStore store;
  private final Producer<byte[], byte[]> producer;
  private final String modelsTopic;
  private final String source;

  VersionPublisher(
      ObjectStore store, Producer<byte[], byte[]> producer, String modelsTopic, String source) {
    this.store = store;
    this.producer = producer;
    this.modelsTopic = modelsTopic;
    this.source = source;
  }

  /** Refuses to overwrite a published version: versions are immutable once announced. */
  void requireNew(String model, String version) {
    if (store.exists(ObjectKeys.modelGenerators(model, version))) {
      throw new IllegalArgumentException(
          "model " + model + " already has a version " + version + "; choose another --version");
    }
  }

  ModelAnnouncement publish(
      String model, String version, Path generators, Map<String, Object> config, int imageSize)
      throws IOException {
    store.putFile(
        ObjectKeys.modelGenerators(model, version), generators, "application/octet-stream");
    store.putJson(ObjectKeys.modelVersionPrefix(model, version) + "config.json", config);
    ModelAnnouncement announcement =
        ModelAnnouncement.of(
            model,
            version,
            store.bucket(),
            ObjectKeys.modelVersionPrefix(model, version),
            imageSize,
            null,
            Map.of());
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
    return announcement;
  }
}
