package io.cyclegan.localstack;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A topic the stack creates on start.
 *
 * @param name topic name
 * @param partitions number of partitions, at least 1
 * @param compacted whether {@code cleanup.policy=compact}
 * @param configs further topic configuration, e.g. {@code max.message.bytes}
 */
public record TopicSpec(
    String name, int partitions, boolean compacted, Map<String, String> configs) {

  /** Suffix of the dead-letter topic of each default topic (DESIGN.md, "Topics"). */
  public static final String DLQ_SUFFIX = ".dlq";

  /**
   * {@code max.message.bytes} of the images topic: a 1 MiB image (the default {@code
   * CYCLEGAN_MAX_IMAGE_BYTES}) with 64 KiB for key and headers. The value pipeline-common's
   * MessageSizes derives (this module depends on none of ours; the cli module's LocalStackSizesTest
   * keeps the two equal).
   */
  public static final int IMAGE_TOPIC_MAX_MESSAGE_BYTES = 1_048_576 + 65_536;

  /** {@code max.message.bytes} of a dead-letter topic: that record plus 16 KiB of error headers. */
  public static final int DEAD_LETTER_MAX_MESSAGE_BYTES = IMAGE_TOPIC_MAX_MESSAGE_BYTES + 16_384;

  public TopicSpec(String name, int partitions, boolean compacted) {
    this(name, partitions, compacted, Map.of());
  }

  public TopicSpec {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("topic name must not be blank");
    }
    if (partitions < 1) {
      throw new IllegalArgumentException(
          "topic " + name + ": partitions must be at least 1, was " + partitions);
    }
    configs = Map.copyOf(configs);
  }

  /** A topic with the delete cleanup policy. */
  public static TopicSpec of(String name, int partitions) {
    return new TopicSpec(name, partitions, false);
  }

  /** A compacted topic ({@code cleanup.policy=compact}). */
  public static TopicSpec compacted(String name, int partitions) {
    return new TopicSpec(name, partitions, true);
  }

  /**
   * The pipeline's default topics with their partition counts, and a one-partition dead-letter
   * topic for each.
   */
  public static List<TopicSpec> defaults() {
    List<TopicSpec> main =
        List.of(
            new TopicSpec(
                "cyclegan.images.in",
                3,
                false,
                Map.of("max.message.bytes", Integer.toString(IMAGE_TOPIC_MAX_MESSAGE_BYTES))),
            of("cyclegan.translate.requests", 3),
            of("cyclegan.translate.results", 3),
            of("cyclegan.training.commands", 3),
            of("cyclegan.training.events", 3),
            compacted("cyclegan.models", 1),
            compacted("cyclegan.datasets", 1));
    List<TopicSpec> all = new ArrayList<>(main);
    for (TopicSpec topic : main) {
      all.add(
          new TopicSpec(
              topic.name() + DLQ_SUFFIX,
              1,
              false,
              Map.of("max.message.bytes", Integer.toString(DEAD_LETTER_MAX_MESSAGE_BYTES))));
    }
    return List.copyOf(all);
  }
}
