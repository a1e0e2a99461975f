package io.cyclegan.common.messages;

import java.util.List;
import java.util.Map;

/** The topic names, each overridable from the environment, and the dead-letter naming rule. */
public record Topics(
    String imagesIn,
    String translateRequests,
    String translateResults,
    String trainingCommands,
    String trainingEvents,
    String models,
    String datasets,
    String dlqSuffix) {

  public static final Topics DEFAULTS =
      new Topics(
          "cyclegan.images.in",
          "cyclegan.translate.requests",
          "cyclegan.translate.results",
          "cyclegan.training.commands",
          "cyclegan.training.events",
          "cyclegan.models",
          "cyclegan.datasets",
          ".dlq");

  /** Reads {@code CYCLEGAN_TOPIC_*} and {@code CYCLEGAN_DLQ_SUFFIX}, defaulting each name. */
  public static Topics fromEnv(Map<String, String> env) {
    return new Topics(
        env.getOrDefault("CYCLEGAN_TOPIC_IMAGES_IN", DEFAULTS.imagesIn),
        env.getOrDefault("CYCLEGAN_TOPIC_TRANSLATE_REQUESTS", DEFAULTS.translateRequests),
        env.getOrDefault("CYCLEGAN_TOPIC_TRANSLATE_RESULTS", DEFAULTS.translateResults),
        env.getOrDefault("CYCLEGAN_TOPIC_TRAINING_COMMANDS", DEFAULTS.trainingCommands),
        env.getOrDefault("CYCLEGAN_TOPIC_TRAINING_EVENTS", DEFAULTS.trainingEvents),
        env.getOrDefault("CYCLEGAN_TOPIC_MODELS", DEFAULTS.models),
        env.getOrDefault("CYCLEGAN_TOPIC_DATASETS", DEFAULTS.datasets),
        env.getOrDefault("CYCLEGAN_DLQ_SUFFIX", DEFAULTS.dlqSuffix));
  }

  /** The dead-letter topic of {@code topic}. */
  public String dlq(String topic) {
    return topic + dlqSuffix;
  }

  /** Every topic the pipeline uses, without the dead-letter topics. */
  public List<String> all() {
    return List.of(
        imagesIn,
        translateRequests,
        translateResults,
        trainingCommands,
        trainingEvents,
        models,
        datasets);
  }

  /** The topics that keep only the newest record per key. */
  public List<String> compacted() {
    return List.of(models, datasets);
  }
}
