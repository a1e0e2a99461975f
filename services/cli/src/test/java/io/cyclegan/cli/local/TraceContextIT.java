package io.cyclegan.cli.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cyclegan.common.image.TestImages;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.messages.Topics;
import io.cyclegan.common.messages.TranslateResult;
import io.cyclegan.common.testkit.LogCapture;
import io.cyclegan.common.testkit.StackKit;
import io.cyclegan.common.trace.TraceContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 part 9: a request's W3C {@code traceparent} travels from the HTTP request through ingest
 * and inference onto the result record, and both services log under its trace id; a malformed one
 * is replaced, never refused.
 */
class TraceContextIT {
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String TRACEPARENT = "00-" + TRACE_ID + "-00f067aa0ba902b7-01";

  @Test
  void shouldCarryTheRequestsTraceparentToTheResultAndIntoBothServicesLogs() throws Exception {
    try (LogCapture logs = new LogCapture();
        LocalPipeline pipeline = LocalPipeline.start(LocalPipeline.Ports.ANY, null, true);
        StackKit kit = new StackKit(pipeline.stack());
        KafkaConsumer<byte[], byte[]> results =
            kit.consumerAtEnd(Topics.fromEnv(Map.of()).translateResults(), null)) {
      // No model of that name: the inference worker answers with an error result, which is
      // enough to follow the request through both services without training one.
      HttpResponse<String> traced = translate(pipeline, "traced-1", TRACEPARENT);
      HttpResponse<String> malformed = translate(pipeline, "malformed-1", "00-not-a-trace");

      assertThat(traced.statusCode()).as(traced.body()).isEqualTo(202);
      assertThat(traced.headers().firstValue(TraceContext.HEADER)).contains(TRACEPARENT);
      assertThat(malformed.statusCode()).as(malformed.body()).isEqualTo(202);
      String replacement = malformed.headers().firstValue(TraceContext.HEADER).orElseThrow();
      assertThat(TraceContext.parse(replacement)).isNotNull();

      List<ConsumerRecord<byte[], byte[]>> seen = new ArrayList<>();
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                results.poll(Duration.ofMillis(200)).forEach(seen::add);
                assertThat(seen).extracting(r -> key(r)).contains("traced-1", "malformed-1");
              });
      ConsumerRecord<byte[], byte[]> result = recordOf(seen, "traced-1");
      assertThat(MessageCodec.decode(result.value(), TranslateResult.class).reason())
          .isEqualTo("UNKNOWN_MODEL");
      TraceContext onResult = TraceContext.parse(header(result));
      assertThat(onResult.traceId()).isEqualTo(TRACE_ID);
      assertThat(onResult.spanId()).isNotEqualTo("00f067aa0ba902b7");
      assertThat(TraceContext.parse(header(recordOf(seen, "malformed-1"))).traceId())
          .isEqualTo(TraceContext.parse(replacement).traceId());

      assertThat(logs.loggersWith(TraceContext.MDC_KEY, TRACE_ID))
          .anyMatch(name -> name.startsWith("io.cyclegan.ingest."))
          .anyMatch(name -> name.startsWith("io.cyclegan.inference."));
    }
  }

  private static HttpResponse<String> translate(
      LocalPipeline pipeline, String requestId, String traceparent) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:"
                        + pipeline.httpPort()
                        + "/translate?model=absent&requestId="
                        + requestId))
            .header("Authorization", "Bearer " + pipeline.apiToken().orElseThrow())
            .header("Content-Type", "image/png")
            .header(TraceContext.HEADER, traceparent)
            .POST(HttpRequest.BodyPublishers.ofByteArray(TestImages.png(16, 16)))
            .build();
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static ConsumerRecord<byte[], byte[]> recordOf(
      List<ConsumerRecord<byte[], byte[]>> records, String key) {
    return records.stream().filter(r -> key.equals(key(r))).findFirst().orElseThrow();
  }

  private static String key(ConsumerRecord<byte[], byte[]> r) {
    return r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
  }

  private static String header(ConsumerRecord<byte[], byte[]> r) {
    Header h = r.headers().lastHeader(TraceContext.HEADER);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
