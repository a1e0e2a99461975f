package io.cyclegan.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicSpecTest {

  @Test
  void shouldListPipelineTopicsAndTheirDeadLetterTopicsWhenDefaultsAsked() {
    Map<String, String> imageRecords =
        Map.of("max.message.bytes", Integer.toString(1_048_576 + 65_536));
    Map<String, String> deadLetters =
        Map.of("max.message.bytes", Integer.toString(1_048_576 + 65_536 + 16_384));
    assertThat(TopicSpec.defaults())
        .contains(
            new TopicSpec("cyclegan.images.in", 3, false, imageRecords),
            TopicSpec.of("cyclegan.translate.requests", 3),
            TopicSpec.of("cyclegan.translate.results", 3),
            TopicSpec.of("cyclegan.training.commands", 3),
            TopicSpec.of("cyclegan.training.events", 3),
            TopicSpec.compacted("cyclegan.models", 1),
            TopicSpec.compacted("cyclegan.datasets", 1),
            new TopicSpec("cyclegan.images.in.dlq", 1, false, deadLetters),
            new TopicSpec("cyclegan.models.dlq", 1, false, deadLetters))
        .hasSize(14);
  }

  @Test
  void shouldRefuseTopicWhenPartitionsBelowOne() {
    assertThatThrownBy(() -> TopicSpec.of("t", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("topic t");
  }
}
