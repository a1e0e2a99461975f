package io.cyclegan.common.messages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cyclegan.common.trust.ReasonCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class MessageCodecTest {

  static java.util.List<Message> messages() {
    return SampleMessages.all();
  }

  @ParameterizedTest
  @MethodSource("messages")
  void shouldRoundTripEveryMessageThroughJson(Message message) {
    byte[] json = MessageCodec.encode(message);

    Message back = MessageCodec.decode(json, message.getClass());

    assertThat(back).isEqualTo(message);
  }

  @Test
  void shouldRefuseAnotherMajorVersionWithItsReasonCode() {
    String json =
        "{\"schema\":\"cyclegan.training.command/v2\",\"type\":\"cancel\",\"jobId\":\"j1\"}";

    assertThatThrownBy(() -> MessageCodec.decode(json, TrainingCommand.class))
        .isInstanceOf(MessageFormatException.class)
        .hasMessageStartingWith("UNSUPPORTED_SCHEMA_VERSION: ")
        .hasMessageContaining("cyclegan.training.command/v2")
        .hasMessageContaining("major version 1")
        .satisfies(
            e -> {
              MessageFormatException m = (MessageFormatException) e;
              assertThat(m.field()).isEqualTo("schema");
              assertThat(m.reason()).contains(ReasonCode.UNSUPPORTED_SCHEMA_VERSION);
            });
  }

  @Test
  void shouldNameTheSchemaOfAnotherMajorVersionBeforeItsOtherFields() {
    // A v2 writer may have changed what a field holds: the reader says "upgrade", not "bad field".
    String json =
        "{\"schema\":\"cyclegan.translate.request/v2\",\"requestId\":\"r1\",\"bucket\":\"b\","
            + "\"inputKey\":\"requests/r1/input\",\"model\":\"m\",\"direction\":\"sideways\","
            + "\"receivedAt\":12}";

    assertThatThrownBy(() -> MessageCodec.decode(json, TranslateRequest.class))
        .isInstanceOf(MessageFormatException.class)
        .hasMessageStartingWith("UNSUPPORTED_SCHEMA_VERSION: ")
        .satisfies(e -> assertThat(((MessageFormatException) e).field()).isEqualTo("schema"));
  }

  @Test
  void shouldReadAMessageWithItsFieldsInAnyOrderAndAnEmptyOneNotAtAll() {
    TranslateRequest q =
        (TranslateRequest)
            SampleMessages.all().stream()
                .filter(TranslateRequest.class::isInstance)
                .findFirst()
                .orElseThrow();
    String json = new String(MessageCodec.encode(q), java.nio.charset.StandardCharsets.UTF_8);
    String schemaLast =
        "{"
            + json.substring(json.indexOf(',') + 1, json.length() - 1)
            + ","
            + json.substring(1, json.indexOf(','))
            + "}";

    assertThat(MessageCodec.decode(schemaLast, TranslateRequest.class)).isEqualTo(q);
    assertThatThrownBy(() -> MessageCodec.decode("null", TranslateRequest.class))
        .isInstanceOf(MessageFormatException.class)
        .hasMessageContaining("expected a JSON object");
  }

  @Test
  void shouldAcceptAMinorVersionOfTheSameMajor() {
    String json =
        "{\"schema\":\"cyclegan.training.command/v1.3\",\"type\":\"cancel\",\"jobId\":\"j1\"}";

    assertThat(MessageCodec.decode(json, TrainingCommand.class).jobId()).isEqualTo("j1");
  }

  @Test
  void shouldRefuseAnotherMessageTypeWithoutTheVersionReason() {
    String json =
        "{\"schema\":\"cyclegan.training.event/v1\",\"type\":\"cancel\",\"jobId\":\"j1\"}";

    assertThatThrownBy(() -> MessageCodec.decode(json, TrainingCommand.class))
        .isInstanceOf(MessageFormatException.class)
        .hasMessageContaining("expected 'cyclegan.training.command/v1'")
        .satisfies(e -> assertThat(((MessageFormatException) e).reason()).isEmpty());
  }

  @Test
  void shouldRejectMissingSchema() {
    assertThatThrownBy(
            () ->
                MessageCodec.decode(
                    "{\"type\":\"cancel\",\"jobId\":\"j1\"}", TrainingCommand.class))
        .isInstanceOf(MessageFormatException.class)
        .extracting(e -> ((MessageFormatException) e).field())
        .isEqualTo("schema");
  }

  @Test
  void shouldRejectMissingRequiredFieldNamingIt() {
    String json =
        "{\"schema\":\"cyclegan.training.command/v1\",\"type\":\"start\",\"jobId\":\"j1\","
            + "\"dataset\":\"d\"}";

    assertThatThrownBy(() -> MessageCodec.decode(json, TrainingCommand.class))
        .isInstanceOf(MessageFormatException.class)
        .hasMessageContaining("'model'")
        .extracting(e -> ((MessageFormatException) e).field())
        .isEqualTo("model");
  }

  @Test
  void shouldRejectMissingRequestIdOfTranslateRequest() {
    String json =
        "{\"schema\":\"cyclegan.translate.request/v1\",\"bucket\":\"b\",\"inputKey\":\"k\","
            + "\"model\":\"m\",\"receivedAt\":\"2026-11-28T10:00:00Z\"}";

    assertThatThrownBy(() -> MessageCodec.decode(json, TranslateRequest.class))
        .isInstanceOf(MessageFormatException.class)
        .extracting(e -> ((MessageFormatException) e).field())
        .isEqualTo("requestId");
  }

  @Test
  void shouldIgnoreUnknownFieldsWithinTheMajorVersion() {
    String json =
        "{\"schema\":\"cyclegan.training.command/v1\",\"type\":\"cancel\",\"jobId\":\"j1\","
            + "\"colour\":\"red\",\"priority\":{\"level\":3}}";

    assertThat(MessageCodec.decode(json, TrainingCommand.class))
        .isEqualTo(TrainingCommand.cancel("j1"));
  }

  @Test
  void shouldIgnoreUnknownFieldsInNestedObjects() {
    String json =
        "{\"schema\":\"cyclegan.translate.result/v1\",\"requestId\":\"r1\",\"status\":\"ok\","
            + "\"bucket\":\"b\",\"outputKey\":\"results/r1/output.png\",\"model\":\"m\","
            + "\"modelVersion\":\"v1\",\"direction\":\"AtoB\","
            + "\"timings\":{\"queueMs\":1,\"inferenceMs\":2,\"totalMs\":3,\"gpuMs\":1},"
            + "\"time\":\"2026-11-28T10:00:00Z\",\"region\":\"eu\"}";

    TranslateResult result = MessageCodec.decode(json, TranslateResult.class);

    assertThat(result.requestId()).isEqualTo("r1");
    assertThat(result.timings().totalMs()).isEqualTo(3);
  }

  @Test
  void shouldKeepTheStrictMapperForDocumentsPeopleWrite() {
    assertThatThrownBy(
            () ->
                MessageCodec.mapper()
                    .readValue(
                        "{\"model\":\"m\",\"colour\":\"red\"}", TrainingCommand.InitFrom.class))
        .hasMessageContaining("colour");
  }

  @Test
  void shouldRejectBadEnumValueNamingTheField() {
    String json =
        "{\"schema\":\"cyclegan.translate.request/v1\",\"requestId\":\"r\",\"bucket\":\"b\","
            + "\"inputKey\":\"k\",\"model\":\"m\",\"direction\":\"sideways\","
            + "\"receivedAt\":\"2026-11-28T10:00:00Z\"}";

    assertThatThrownBy(() -> MessageCodec.decode(json, TranslateRequest.class))
        .isInstanceOf(MessageFormatException.class)
        .extracting(e -> ((MessageFormatException) e).field())
        .isEqualTo("direction");
  }

  @Test
  void shouldRejectUnknownCommandType() {
    String json =
        "{\"schema\":\"cyclegan.training.command/v1\",\"type\":\"pause\",\"jobId\":\"j\"}";

    assertThatThrownBy(() -> MessageCodec.decode(json, TrainingCommand.class))
        .isInstanceOf(MessageFormatException.class)
        .hasMessageContaining("pause")
        .extracting(e -> ((MessageFormatException) e).field())
        .isEqualTo("type");
  }

  @Test
  void shouldRejectTextThatIsNotJson() {
    assertThatThrownBy(() -> MessageCodec.decode("start j1", TrainingCommand.class))
        .isInstanceOf(MessageFormatException.class)
        .hasMessageContaining("not valid JSON");
  }

  @Test
  void shouldDefaultDirectionToAtoB() {
    String json =
        "{\"schema\":\"cyclegan.translate.request/v1\",\"requestId\":\"r\",\"bucket\":\"b\","
            + "\"inputKey\":\"k\",\"model\":\"m\",\"receivedAt\":\"2026-11-28T10:00:00Z\"}";

    assertThat(MessageCodec.decode(json, TranslateRequest.class).direction())
        .isEqualTo(Direction.AtoB);
  }

  @Test
  void shouldDefaultTheOutputFormatToPngAndRefuseAnUnknownOneNamingTheField() {
    String claim =
        "{\"schema\":\"cyclegan.translate.request/v1\",\"requestId\":\"r\",\"bucket\":\"b\","
            + "\"inputKey\":\"k\",\"model\":\"m\",\"receivedAt\":\"2026-11-28T10:00:00Z\"";

    assertThat(MessageCodec.decode(claim + "}", TranslateRequest.class).outputFormat())
        .isEqualTo(OutputFormat.png);
    assertThat(
            MessageCodec.decode(claim + ",\"outputFormat\":\"jpeg\"}", TranslateRequest.class)
                .outputFormat())
        .isEqualTo(OutputFormat.jpeg);
    assertThatThrownBy(
            () -> MessageCodec.decode(claim + ",\"outputFormat\":\"gif\"}", TranslateRequest.class))
        .isInstanceOf(MessageFormatException.class)
        .extracting(e -> ((MessageFormatException) e).field())
        .isEqualTo("outputFormat");
  }
}
