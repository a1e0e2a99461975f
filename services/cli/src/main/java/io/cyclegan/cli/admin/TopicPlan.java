package io.cyclegan.cli.admin;

import io.cyclegan.common.config.MessageSizes;
import io.cyclegan.common.messages.Topics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * The pipeline's topics as {@link NewTopic}s: every topic of {@link Topics#all()}, the model and
 * dataset topics compacted (only the newest record per name matters), and a dead-letter topic for
 * each. Dead-letter topics are never compacted: every failure of the same key is worth keeping.
 */
final class TopicPlan {
  private TopicPlan() {}

  static List<NewTopic> of(
      Topics topics, int partitions, int dlqPartitions, Optional<Short> replicationFactor) {
    return of(topics, partitions, dlqPartitions, replicationFactor, MessageSizes.DEFAULT);
  }

  /**
   * The plan with the record sizes of {@code sizes}: the images topic takes an image of up to the
   * limit with its headers, and every dead-letter topic an image record with its error headers.
   */
  static List<NewTopic> of(
      Topics topics,
      int partitions,
      int dlqPartitions,
      Optional<Short> replicationFactor,
      MessageSizes sizes) {
    List<NewTopic> plan = new ArrayList<>();
    for (String name : topics.all()) {
      Map<String, String> configs =
          name.equals(topics.imagesIn()) ? sizes.imageTopicConfig() : Map.of();
      plan.add(
          topic(name, partitions, replicationFactor, topics.compacted().contains(name), configs));
    }
    for (String name : topics.all()) {
      plan.add(
          topic(
              topics.dlq(name),
              dlqPartitions,
              replicationFactor,
              false,
              sizes.deadLetterTopicConfig()));
    }
    return plan;
  }

  private static NewTopic topic(
      String name,
      int partitions,
      Optional<Short> replicationFactor,
      boolean compacted,
      Map<String, String> extra) {
    NewTopic topic = new NewTopic(name, Optional.of(partitions), replicationFactor);
    Map<String, String> configs = new HashMap<>(extra);
    configs.put(
        TopicConfig.CLEANUP_POLICY_CONFIG,
        compacted ? TopicConfig.CLEANUP_POLICY_COMPACT : TopicConfig.CLEANUP_POLICY_DELETE);
    return topic.configs(configs);
  }
}
