package io.cyclegan.common.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.MDC;

class TraceContextTest {
  private static final String VALID = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  @Test
  void shouldReadAValidTraceparent() {
    TraceContext t = TraceContext.parse(VALID);

    assertThat(t.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(t.spanId()).isEqualTo("00f067aa0ba902b7");
    assertThat(t.header()).isEqualTo(VALID);
  }

  @Test
  void shouldReadALaterVersionByItsVersion00Prefix() {
    TraceContext t =
        TraceContext.parse("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03-extra");

    assertThat(t.header()).isEqualTo(VALID);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "garbage",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0x",
        "00-4bf92f3577b34da6a3ce929d0e0e473\n-00f067aa0ba902b7-01"
      })
  void shouldReplaceAMalformedTraceparentWithANewOne(String header) {
    assertThat(TraceContext.parse(header)).isNull();

    TraceContext replaced = TraceContext.parseOrCreate(header);

    assertThat(replaced.header()).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
    assertThat(TraceContext.parse(replaced.header())).isEqualTo(replaced);
  }

  @Test
  void shouldKeepTheTraceIdAndMakeANewSpanForTheNextHop() {
    TraceContext parent = TraceContext.parse(VALID);

    TraceContext child = parent.child();

    assertThat(child.traceId()).isEqualTo(parent.traceId());
    assertThat(child.spanId()).isNotEqualTo(parent.spanId());
    assertThat(child.flags()).isEqualTo("01");
  }

  @Test
  void shouldCarryItselfAsTheRecordsOnlyTraceparentHeader() {
    ProducerRecord<byte[], byte[]> out = new ProducerRecord<>("t", new byte[0]);
    out.headers().add(TraceContext.HEADER, "old".getBytes(StandardCharsets.UTF_8));
    TraceContext t = TraceContext.parse(VALID);

    t.on(out);

    assertThat(out.headers().headers(TraceContext.HEADER)).hasSize(1);
    ConsumerRecord<byte[], byte[]> in = new ConsumerRecord<>("t", 0, 0L, null, new byte[0]);
    out.headers().forEach(h -> in.headers().add(h));
    assertThat(TraceContext.of(in)).isEqualTo(t);
  }

  @Test
  void shouldPutTheTraceIdInTheLoggingContextAndRestoreThePreviousOne() {
    MDC.put(TraceContext.MDC_KEY, "outer");
    try (TraceContext.InLogs ignored = TraceContext.parse(VALID).inLogs()) {
      assertThat(MDC.get(TraceContext.MDC_KEY)).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    }
    assertThat(MDC.get(TraceContext.MDC_KEY)).isEqualTo("outer");
    MDC.remove(TraceContext.MDC_KEY);
  }

  @Test
  void shouldBeCurrentOnItsThreadWhileInTheLogsAndRestoreTheOuterOne() throws Exception {
    TraceContext outer = TraceContext.parse(VALID);
    TraceContext inner = TraceContext.create();
    assertThat(TraceContext.current()).isEmpty();

    try (TraceContext.InLogs o = outer.inLogs()) {
      try (TraceContext.InLogs i = inner.inLogs()) {
        assertThat(TraceContext.current()).contains(inner);
        java.util.concurrent.atomic.AtomicReference<java.util.Optional<TraceContext>> seen =
            new java.util.concurrent.atomic.AtomicReference<>();
        Thread other = new Thread(() -> seen.set(TraceContext.current()));
        other.start();
        other.join();
        assertThat(seen.get()).as("another thread's").isEmpty();
      }
      assertThat(TraceContext.current()).contains(outer);
    }
    assertThat(TraceContext.current()).isEmpty();
  }
}
