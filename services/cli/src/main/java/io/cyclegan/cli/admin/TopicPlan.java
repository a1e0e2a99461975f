package io.cyclegan.cli.admin;

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
    List<NewTopic> plan = new ArrayList<>();
    for (String name : topics.all()) {
      plan.add(topic(name, partitions, replicationFactor, topics.compacted().contains(name)));
    }
    for (String name : topics.all()) {
      plan.add(topic(topics.dlq(name), dlqPartitions, replicationFactor, false));
    }
    return plan;
  }

  private static NewTopic topic(
      String name, int partitions, Optional<Short> replicationFactor, boolean compacted) {
    NewTopic topic = new NewTopic(name, Optional.of(partitions), replicationFactor);
    Map<String, String> configs = new HashMap<>();
    configs.put(
        TopicConfig.CLEANUP_POLICY_CONFIG,
        compacted ? TopicConfig.CLEANUP_POLICY_COMPACT : TopicConfig.CLEANUP_POLICY_DELETE);
    return topic.configs(configs);
  }
}
