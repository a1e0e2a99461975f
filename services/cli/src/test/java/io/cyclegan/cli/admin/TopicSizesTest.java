package io.cyclegan.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.cyclegan.common.config.MessageSizes;
import io.cyclegan.common.messages.Topics;
import io.cyclegan.localstack.TopicSpec;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

/** The record sizes every creator of topics gives them, all from CYCLEGAN_MAX_IMAGE_BYTES. */
class TopicSizesTest {

  @Test
  void shouldSizeTheImagesTopicAndEveryDeadLetterTopicFromTheImageLimitWhenPlanned() {
    MessageSizes sizes = new MessageSizes(5_000_000);
    Map<String, NewTopic> plan = new java.util.TreeMap<>();
    TopicPlan.of(Topics.DEFAULTS, 3, 1, Optional.empty(), sizes)
        .forEach(t -> plan.put(t.name(), t));

    assertThat(plan.get("cyclegan.images.in").configs())
        .containsEntry("max.message.bytes", Integer.toString(5_000_000 + 65_536));
    assertThat(plan.values())
        .filteredOn(t -> t.name().endsWith(".dlq"))
        .hasSize(7)
        .allSatisfy(
            t ->
                assertThat(t.configs())
                    .containsEntry("max.message.bytes", Integer.toString(sizes.maxRequestBytes())));
    assertThat(plan.get("cyclegan.translate.requests").configs())
        .doesNotContainKey("max.message.bytes");
  }

  @Test
  void shouldGiveTheLocalStacksTopicsTheDefaultSizesWhenItCreatesThem() {
    Map<String, TopicSpec> specs = new java.util.TreeMap<>();
    TopicSpec.defaults().forEach(t -> specs.put(t.name(), t));

    assertThat(specs.get("cyclegan.images.in").configs())
        .isEqualTo(MessageSizes.DEFAULT.imageTopicConfig());
    assertThat(specs.get("cyclegan.images.in.dlq").configs())
        .isEqualTo(MessageSizes.DEFAULT.deadLetterTopicConfig());
  }
}
