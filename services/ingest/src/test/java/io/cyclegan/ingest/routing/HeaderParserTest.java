package io.cyclegan.ingest.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cyclegan.common.messages.Direction;
import io.cyclegan.common.messages.Headers;
import io.cyclegan.common.messages.OutputFormat;
import io.cyclegan.common.messages.Topics;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class HeaderParserTest {

  private final HeaderParser parser = new HeaderParser(Topics.DEFAULTS);

  private static IngestInput input(String key, String... headers) {
    Map<String, String> map = new HashMap<>();
    for (int i = 0; i < headers.length; i += 2) {
      map.put(headers[i], headers[i + 1]);
    }
    return new IngestInput(key, new byte[] {1}, map, java.time.Instant.EPOCH, null);
  }

  private static IngestInput record(String topic, int partition, long offset, String key) {
    ConsumerRecord<byte[], byte[]> r =
        new ConsumerRecord<>(
            topic,
            partition,
            offset,
            key == null ? null : key.getBytes(StandardCharsets.UTF_8),
            new byte[] {1});
    r.headers().add(Headers.PURPOSE, "translate".getBytes(StandardCharsets.UTF_8));
    r.headers().add(Headers.MODEL, "zebra".getBytes(StandardCharsets.UTF_8));
    return IngestInput.fromRecord(r);
  }

  private void assertRefused(IngestInput in, RejectReason reason, String... mentions) {
    assertThatThrownBy(() -> parser.parse(in))
        .isInstanceOfSatisfying(
            RejectedInputException.class, e -> assertThat(e.reason()).isEqualTo(reason))
        .hasMessageContainingAll(mentions);
  }

  @Test
  void shouldRouteADatasetImageWhenDatasetAndDomainAreValid() {
    Route route =
        parser.parse(
            input(
                null,
                Headers.PURPOSE,
                "dataset",
                Headers.DATASET,
                "horse2zebra",
                Headers.DOMAIN,
                "B"));

    assertThat(route).isEqualTo(new Route.Dataset("horse2zebra", "B"));
  }

  @Test
  void shouldRouteATranslationWithEveryOptionalHeaderWhenGiven() {
    Route route =
        parser.parse(
            input(
                "key-1",
                Headers.PURPOSE,
                "translate",
                Headers.MODEL,
                "zebra",
                Headers.MODEL_VERSION,
                "v3",
                Headers.DIRECTION,
                "BtoA",
                Headers.REQUEST_ID,
                "Req-42",
                Headers.REPLY_TOPIC,
                "cyclegan.replies.my",
                Headers.OUTPUT_FORMAT,
                "jpeg"));

    assertThat(route)
        .isEqualTo(
            new Route.Translate(
                "Req-42", "zebra", "v3", Direction.BtoA, "cyclegan.replies.my", OutputFormat.jpeg));
  }

  @Test
  void shouldDefaultToAtoBAndTheKeyAsRequestIdWhenHeadersAreAbsent() {
    Route.Translate route =
        (Route.Translate)
            parser.parse(
                input("photo-1.jpg", Headers.PURPOSE, "translate", Headers.MODEL, "zebra"));

    assertThat(route.requestId()).isEqualTo("photo-1.jpg");
    assertThat(route.direction()).isEqualTo(Direction.AtoB);
    assertThat(route.modelVersion()).isNull();
    assertThat(route.replyTopic()).isNull();
    assertThat(route.outputFormat()).isEqualTo(OutputFormat.png);
  }

  @Test
  void shouldDeriveTheSameRequestIdForTheSameRecordWhenItHasNoKey() {
    Route.Translate first =
        (Route.Translate) parser.parse(record("cyclegan.images.in", 1, 42, null));
    Route.Translate again =
        (Route.Translate) parser.parse(record("cyclegan.images.in", 1, 42, null));
    Route.Translate other =
        (Route.Translate) parser.parse(record("cyclegan.images.in", 1, 43, null));

    assertThat(first.requestId()).isEqualTo(again.requestId()).isNotEqualTo(other.requestId());
  }

  @Test
  void shouldRefuseEachBadHeaderWithItsOwnReason() {
    assertRefused(input("k"), RejectReason.MISSING_PURPOSE, Headers.PURPOSE);
    assertRefused(input("k", Headers.PURPOSE, "train"), RejectReason.UNKNOWN_PURPOSE, "'train'");
    assertRefused(
        input("k", Headers.PURPOSE, "dataset", Headers.DOMAIN, "A"),
        RejectReason.MISSING_DATASET,
        Headers.DATASET);
    assertRefused(
        input("k", Headers.PURPOSE, "dataset", Headers.DATASET, "../x", Headers.DOMAIN, "A"),
        RejectReason.INVALID_DATASET,
        Headers.DATASET,
        "'../x'");
    assertRefused(
        input("k", Headers.PURPOSE, "dataset", Headers.DATASET, "d"),
        RejectReason.MISSING_DOMAIN,
        Headers.DOMAIN);
    assertRefused(
        input("k", Headers.PURPOSE, "dataset", Headers.DATASET, "d", Headers.DOMAIN, "C"),
        RejectReason.INVALID_DOMAIN,
        "'C'");
    assertRefused(
        input("k", Headers.PURPOSE, "translate"), RejectReason.MISSING_MODEL, Headers.MODEL);
    assertRefused(
        input("k", Headers.PURPOSE, "translate", Headers.MODEL, "Zebra/../x"),
        RejectReason.INVALID_MODEL,
        Headers.MODEL);
    assertRefused(
        input("k", Headers.PURPOSE, "translate", Headers.MODEL, "z", Headers.MODEL_VERSION, "../1"),
        RejectReason.INVALID_MODEL_VERSION,
        Headers.MODEL_VERSION);
    assertRefused(
        input("k", Headers.PURPOSE, "translate", Headers.MODEL, "z", Headers.DIRECTION, "sideways"),
        RejectReason.INVALID_DIRECTION,
        "'sideways'",
        "AtoB");
    assertRefused(
        input("k", Headers.PURPOSE, "translate", Headers.MODEL, "z", Headers.OUTPUT_FORMAT, "gif"),
        RejectReason.INVALID_OUTPUT_FORMAT,
        Headers.OUTPUT_FORMAT,
        "'gif'",
        "'png' or 'jpeg'");
    assertRefused(
        input(
            "k", Headers.PURPOSE, "translate", Headers.MODEL, "z", Headers.REQUEST_ID, "../../etc"),
        RejectReason.INVALID_REQUEST_ID,
        Headers.REQUEST_ID);
    assertRefused(
        input("a key with spaces", Headers.PURPOSE, "translate", Headers.MODEL, "z"),
        RejectReason.INVALID_REQUEST_ID,
        "record key");
    assertRefused(
        input(
            "k",
            Headers.PURPOSE,
            "translate",
            Headers.MODEL,
            "z",
            Headers.REPLY_TOPIC,
            "bad topic!"),
        RejectReason.INVALID_REPLY_TOPIC,
        Headers.REPLY_TOPIC);
  }

  @Test
  void shouldRefuseReplyTopicsThePipelineReadsWhenNamedAsReplyTopic() {
    assertRefused(
        input(
            "k",
            Headers.PURPOSE,
            "translate",
            Headers.MODEL,
            "z",
            Headers.REPLY_TOPIC,
            "cyclegan.training.commands"),
        RejectReason.REPLY_TOPIC_NOT_ALLOWED,
        "a topic of the pipeline itself");
    assertRefused(
        input(
            "k",
            Headers.PURPOSE,
            "translate",
            Headers.MODEL,
            "z",
            Headers.REPLY_TOPIC,
            "cyclegan.images.in.dlq"),
        RejectReason.REPLY_TOPIC_NOT_ALLOWED,
        "a topic of the pipeline itself");
  }

  @Test
  void shouldAnswerOnTheResultsTopicWhenTheReplyTopicIsBad() {
    Reply reply =
        parser
            .reply(
                input(
                    "k",
                    Headers.PURPOSE,
                    "translate",
                    Headers.MODEL,
                    "z",
                    Headers.DIRECTION,
                    "nope",
                    Headers.REPLY_TOPIC,
                    "cyclegan.models"))
            .orElseThrow();

    assertThat(reply).isEqualTo(new Reply("k", "cyclegan.translate.results", "z", null));
  }

  @Test
  void shouldAnswerOnTheCallersReplyTopicWhenValid() {
    Reply reply =
        parser
            .reply(
                input(
                    "k",
                    Headers.PURPOSE,
                    "translate",
                    Headers.REPLY_TOPIC,
                    "cyclegan.replies.mine",
                    Headers.REQUEST_ID,
                    "r1"))
            .orElseThrow();

    assertThat(reply.topic()).isEqualTo("cyclegan.replies.mine");
    assertThat(reply.requestId()).isEqualTo("r1");
  }

  @Test
  void shouldNotAnswerWhenTheInputIsNoTranslationRequest() {
    assertThat(parser.reply(input("k", Headers.PURPOSE, "dataset"))).isEmpty();
    assertThat(parser.reply(input("k"))).isEmpty();
  }

  @Test
  void shouldDeclareTheFilenameBeforeTheContentTypeWhenBothAreGiven() {
    assertThat(
            input("k", Headers.FILENAME, "a.jpg", Headers.CONTENT_TYPE, "image/png")
                .declaredFormat())
        .isEqualTo("a.jpg");
    assertThat(input("k", Headers.CONTENT_TYPE, "image/png").declaredFormat())
        .isEqualTo("image/png");
    assertThat(input("k").declaredFormat()).isNull();
  }

  /** An HTTP upload's refusal names what the caller sent, not the header the API built from it. */
  @Test
  void shouldNameAHeaderAsTheHttpRequestGaveItWhenRefusing() {
    Map<String, String> names =
        Map.of(
            Headers.OUTPUT_FORMAT, "query parameter 'format'",
            Headers.MODEL, "query parameter 'model'");
    IngestInput badFormat =
        IngestInput.fromHttp(
            Map.of(Headers.PURPOSE, "translate", Headers.MODEL, "z", Headers.OUTPUT_FORMAT, "gif"),
            new byte[] {1},
            names);
    IngestInput noModel =
        IngestInput.fromHttp(Map.of(Headers.PURPOSE, "translate"), new byte[] {1}, names);

    assertThatThrownBy(() -> parser.parse(badFormat))
        .hasMessage("query parameter 'format' is 'gif': expected 'png' or 'jpeg'");
    assertThatThrownBy(() -> parser.parse(noModel))
        .hasMessage("missing query parameter 'model': the model to translate with");
  }
}
