package io.cyclegan.common.messages;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;

class DeadLetterTest {

  @Test
  void shouldKeepOriginalRecordAndAddErrorHeaders() {
    ConsumerRecord<byte[], byte[]> source =
        new ConsumerRecord<>("cyclegan.images.in", 1, 7L, bytes("key"), bytes("image"));
    source.headers().add(new RecordHeader(Headers.PURPOSE, bytes("dataset")));

    ProducerRecord<byte[], byte[]> dlq =
        DeadLetter.of("ingest.validate", new IllegalStateException("truncated PNG"), source)
            .toRecord("cyclegan.images.in.dlq", source);

    assertThat(dlq.topic()).isEqualTo("cyclegan.images.in.dlq");
    assertThat(dlq.key()).isEqualTo(bytes("key"));
    assertThat(dlq.value()).isEqualTo(bytes("image"));
    assertThat(text(dlq, Headers.PURPOSE)).isEqualTo("dataset");
    assertThat(text(dlq, Headers.ERROR_MESSAGE)).isEqualTo("truncated PNG");
    assertThat(text(dlq, Headers.ERROR_CLASS)).isEqualTo("java.lang.IllegalStateException");
    assertThat(text(dlq, Headers.SOURCE_OFFSET)).isEqualTo("7");
    DeadLetter read = DeadLetter.fromHeaders(dlq.headers());
    assertThat(read.sourceTopic()).isEqualTo("cyclegan.images.in");
    assertThat(read.sourcePartition()).isEqualTo(1);
  }

  @Test
  void shouldReplayOntoSourceTopicUnchanged() {
    ConsumerRecord<byte[], byte[]> source =
        new ConsumerRecord<>("cyclegan.images.in", 0, 3L, bytes("k"), bytes("v"));
    source.headers().add(new RecordHeader(Headers.PURPOSE, bytes("translate")));
    ProducerRecord<byte[], byte[]> dlq =
        DeadLetter.of("ingest.route", "X", "unknown model", source)
            .toRecord("cyclegan.images.in.dlq", source);
    ConsumerRecord<byte[], byte[]> dlqRecord =
        new ConsumerRecord<>(dlq.topic(), 0, 0L, dlq.key(), dlq.value());
    dlq.headers().forEach(h -> dlqRecord.headers().add(h));

    ProducerRecord<byte[], byte[]> replay = DeadLetter.replay(dlqRecord);

    assertThat(replay.topic()).isEqualTo("cyclegan.images.in");
    assertThat(replay.key()).isEqualTo(bytes("k"));
    assertThat(replay.value()).isEqualTo(bytes("v"));
    assertThat(replay.headers().toArray()).hasSize(1);
    assertThat(text(replay, Headers.PURPOSE)).isEqualTo("translate");
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(ProducerRecord<byte[], byte[]> r, String key) {
    return new String(r.headers().lastHeader(key).value(), StandardCharsets.UTF_8);
  }
}
