package io.cyclegan.common.messages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
  void shouldRejectWrongSchemaVersionNamingTheField() {
    String json =
        "{\"schema\":\"cyclegan.training.command/v2\",\"type\":\"cancel\",\"jobId\":\"j1\"}";

    assertThatThrownBy(() -> MessageCodec.decode(json, TrainingCommand.class))
        .isInstanceOf(MessageFormatException.class)
        .hasMessageContaining("cyclegan.training.command/v2")
        .extracting(e -> ((MessageFormatException) e).field())
        .isEqualTo("schema");
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
  void shouldRejectUnknownFieldNamingIt() {
    String json =
        "{\"schema\":\"cyclegan.training.command/v1\",\"type\":\"cancel\",\"jobId\":\"j1\","
            + "\"colour\":\"red\"}";

    assertThatThrownBy(() -> MessageCodec.decode(json, TrainingCommand.class))
        .isInstanceOf(MessageFormatException.class)
        .hasMessageContaining("colour")
        .extracting(e -> ((MessageFormatException) e).field())
        .isEqualTo("colour");
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
}
