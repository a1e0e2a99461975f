package io.cyclegan.common.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cyclegan.common.messages.DeadLetter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/** The replay's filter and trust rule; the sends themselves are tested against a real broker. */
class DeadLetterReplayTest {
  private static final String SOURCE = "cyclegan.images.in";
  private static final String DLQ = SOURCE + ".dlq";

  @Test
  void shouldNameTheSourceTopicFromTheDeadLetterTopic() {
    assertThat(DeadLetterReplay.of(DLQ, ".dlq", null).sourceTopic()).isEqualTo(SOURCE);
    assertThatThrownBy(() -> DeadLetterReplay.of(SOURCE, ".dlq", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a dead-letter topic");
  }

  @Test
  void shouldMatchTheErrorClassOrMessageInAnyCaseAndSkipRecordsWithoutHeaders() {
    DeadLetterReplay zebra = DeadLetterReplay.of(DLQ, ".dlq", "ZEBRA");
    DeadLetterEntry missingModel = entry(SOURCE, 0, "IllegalArgumentException", "model zebra");
    DeadLetterEntry tooLarge = entry(SOURCE, 1, "ImageTooLarge", "too large");
    DeadLetterEntry bare =
        DeadLetterEntry.of(new ConsumerRecord<>(DLQ, 0, 2, new byte[1], new byte[1]));

    assertThat(zebra.matches(missingModel)).isTrue();
    assertThat(zebra.matches(tooLarge)).isFalse();
    assertThat(DeadLetterReplay.of(DLQ, ".dlq", "imagetoo").matches(tooLarge)).isTrue();
    assertThat(bare.letter()).isNull();
    assertThat(bare.problem()).contains("cg-error-stage");
    assertThat(DeadLetterReplay.of(DLQ, ".dlq", null).matches(bare)).isFalse();
  }

  @Test
  void shouldRefuseAPageWhoseLetterNamesAnotherSourceTopicBeforeSendingAnything() throws Exception {
    DeadLetterReplay replay = DeadLetterReplay.of(DLQ, ".dlq", null);
    List<DeadLetterEntry> page =
        List.of(entry(SOURCE, 0, "E", "ok"), entry("cyclegan.training.commands", 1, "E", "forged"));

    // No producer: a send would fail with a NullPointerException, so nothing was sent.
    assertThatThrownBy(() -> replay.replay(null, page, false))
        .isInstanceOfSatisfying(
            DeadLetterReplay.UntrustedSourceException.class,
            e -> {
              assertThat(e.offset()).isEqualTo(1);
              assertThat(e.getMessage()).doesNotContain("cyclegan.training.commands");
            });
    assertThat(replay.replay(null, List.of(entry(SOURCE, 0, "E", "ok")), true))
        .isEqualTo(new DeadLetterReplay.Counts(1, 1, 0));
  }

  @Test
  void shouldReplayTheOriginalKeyValueAndHeadersWithoutTheDeadLetterOnes() {
    DeadLetterEntry entry = entry(SOURCE, 0, "E", "why");

    ProducerRecord<byte[], byte[]> replayed = DeadLetter.replay(entry.record());

    assertThat(replayed.topic()).isEqualTo(SOURCE);
    assertThat(new String(replayed.key(), StandardCharsets.UTF_8)).isEqualTo("k0");
    assertThat(replayed.headers())
        .extracting(Header::key)
        .containsExactly("cg-model")
        .doesNotContain("cg-source-topic");
  }

  private static DeadLetterEntry entry(String source, long offset, String errorClass, String why) {
    ConsumerRecord<byte[], byte[]> original =
        new ConsumerRecord<>(
            source, 0, offset, ("k" + offset).getBytes(StandardCharsets.UTF_8), new byte[] {1});
    original.headers().add("cg-model", "zebra".getBytes(StandardCharsets.UTF_8));
    ProducerRecord<byte[], byte[]> dead =
        DeadLetter.of("ingest", errorClass, why, original).toRecord(DLQ, original);
    ConsumerRecord<byte[], byte[]> inDlq =
        new ConsumerRecord<>(DLQ, 0, offset, dead.key(), dead.value());
    dead.headers().forEach(h -> inDlq.headers().add(h));
    return DeadLetterEntry.of(inDlq);
  }
}
