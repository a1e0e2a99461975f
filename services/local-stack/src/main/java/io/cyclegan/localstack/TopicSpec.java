package io.cyclegan.localstack;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A topic the stack creates on start.
 *
 * @param name topic name
 * @param partitions number of partitions, at least 1
 * @param compacted whether {@code cleanup.policy=compact}
 */
public record TopicSpec(String name, int partitions, boolean compacted) {

  /** Suffix of the dead-letter topic of each default topic (DESIGN.md, "Topics"). */
  public static final String DLQ_SUFFIX = ".dlq";

  public TopicSpec {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("topic name must not be blank");
    }
    if (partitions < 1) {
      throw new IllegalArgumentException(
          "topic " + name + ": partitions must be at least 1, was " + partitions);
    }
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
            of("cyclegan.images.in", 3),
            of("cyclegan.translate.requests", 3),
            of("cyclegan.translate.results", 3),
            of("cyclegan.training.commands", 3),
            of("cyclegan.training.events", 3),
            compacted("cyclegan.models", 1),
            compacted("cyclegan.datasets", 1));
    List<TopicSpec> all = new ArrayList<>(main);
    for (TopicSpec topic : main) {
      all.add(of(topic.name() + DLQ_SUFFIX, 1));
    }
    return List.copyOf(all);
  }
}
