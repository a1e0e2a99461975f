package io.cyclegan.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TopicSpecTest {

  @Test
  void shouldListPipelineTopicsAndTheirDeadLetterTopicsWhenDefaultsAsked() {
    assertThat(TopicSpec.defaults())
        .contains(
            TopicSpec.of("cyclegan.images.in", 3),
            TopicSpec.of("cyclegan.translate.requests", 3),
            TopicSpec.of("cyclegan.translate.results", 3),
            TopicSpec.of("cyclegan.training.commands", 3),
            TopicSpec.of("cyclegan.training.events", 3),
            TopicSpec.compacted("cyclegan.models", 1),
            TopicSpec.compacted("cyclegan.datasets", 1),
            TopicSpec.of("cyclegan.images.in.dlq", 1),
            TopicSpec.of("cyclegan.models.dlq", 1))
        .hasSize(14);
  }

  @Test
  void shouldRefuseTopicWhenPartitionsBelowOne() {
    assertThatThrownBy(() -> TopicSpec.of("t", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("topic t");
  }
}
