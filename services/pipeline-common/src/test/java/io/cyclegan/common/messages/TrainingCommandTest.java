package io.cyclegan.common.messages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cyclegan.common.messages.TrainingCommand.InitFrom;
import org.junit.jupiter.api.Test;

class TrainingCommandTest {

  private static final String START =
      "{\"schema\":\"cyclegan.training.command/v1\",\"type\":\"start\",\"jobId\":\"j1\","
          + "\"model\":\"zebra\",\"dataset\":\"h2z\"";

  @Test
  void shouldReadInitFromWithModelAndVersion() {
    TrainingCommand c =
        MessageCodec.decode(
            START + ",\"initFrom\":{\"model\":\"horse2zebra\",\"version\":\"v7\"}}",
            TrainingCommand.class);

    assertThat(c.initFrom()).isEqualTo(new InitFrom("horse2zebra", "v7"));
  }

  @Test
  void shouldReadInitFromWithoutVersionAsTheLatest() {
    TrainingCommand c =
        MessageCodec.decode(
            START + ",\"initFrom\":{\"model\":\"horse2zebra\"}}", TrainingCommand.class);

    assertThat(c.initFrom()).isEqualTo(new InitFrom("horse2zebra", null));
  }

  @Test
  void shouldReadAStartWithoutInitFromAsFreshWeights() {
    assertThat(MessageCodec.decode(START + "}", TrainingCommand.class).initFrom()).isNull();
  }

  @Test
  void shouldIgnoreAnUnknownFieldInsideInitFromAsTheOpenContractSays() {
    TrainingCommand c =
        MessageCodec.decode(
            START + ",\"initFrom\":{\"model\":\"m\",\"epoch\":3}}", TrainingCommand.class);

    assertThat(c.initFrom()).isEqualTo(new InitFrom("m", null));
  }

  @Test
  void shouldRejectInitFromWithoutAModelNamingTheField() {
    assertThatThrownBy(
            () ->
                MessageCodec.decode(
                    START + ",\"initFrom\":{\"version\":\"v1\"}}", TrainingCommand.class))
        .isInstanceOf(MessageFormatException.class)
        .hasMessageContaining("'initFrom.model'")
        .extracting(e -> ((MessageFormatException) e).field())
        .isEqualTo("initFrom.model");
  }

  @Test
  void shouldRejectInitFromThatIsNotAnObject() {
    assertThatThrownBy(
            () -> MessageCodec.decode(START + ",\"initFrom\":\"m:v\"}", TrainingCommand.class))
        .isInstanceOf(MessageFormatException.class)
        .hasMessageContaining("initFrom");
  }

  @Test
  void shouldRejectInitFromOnACancel() {
    String json =
        "{\"schema\":\"cyclegan.training.command/v1\",\"type\":\"cancel\",\"jobId\":\"j1\","
            + "\"initFrom\":{\"model\":\"m\"}}";

    assertThatThrownBy(() -> MessageCodec.decode(json, TrainingCommand.class))
        .isInstanceOf(MessageFormatException.class)
        .extracting(e -> ((MessageFormatException) e).field())
        .isEqualTo("initFrom");
  }

  @Test
  void shouldWriteInitFromAndReadItBack() {
    TrainingCommand c =
        TrainingCommand.start("j1", "zebra", "h2z", java.util.Map.of())
            .withInitFrom(new InitFrom("horse2zebra", null));

    assertThat(new String(MessageCodec.encode(c), java.nio.charset.StandardCharsets.UTF_8))
        .contains("\"initFrom\":{\"model\":\"horse2zebra\"}");
    assertThat(MessageCodec.decode(MessageCodec.encode(c), TrainingCommand.class)).isEqualTo(c);
  }

  @Test
  void shouldParseTheModelColonVersionSpelling() {
    assertThat(InitFrom.parse("horse2zebra")).isEqualTo(new InitFrom("horse2zebra", null));
    assertThat(InitFrom.parse("horse2zebra:imported-1"))
        .isEqualTo(new InitFrom("horse2zebra", "imported-1"));
    assertThat(InitFrom.parse("horse2zebra:imported-1").toString())
        .isEqualTo("horse2zebra:imported-1");
    for (String bad : new String[] {"", ":v", "m:", "m:v:w"}) {
      assertThatThrownBy(() -> InitFrom.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("MODEL or MODEL:VERSION");
    }
  }

  private static final String IMPORT =
      "{\"schema\":\"cyclegan.training.command/v1\",\"type\":\"import\",\"jobId\":\"imp1\","
          + "\"model\":\"horse2zebra\"";

  @Test
  void shouldReadAnImportWithTheImportFieldAndDefaultImageSize() {
    TrainingCommand c =
        MessageCodec.decode(
            IMPORT + ",\"import\":{\"a2b\":\"imports/imp1/a2b.bin\"}}", TrainingCommand.class);

    assertThat(c.isImport()).isTrue();
    assertThat(c.importFiles())
        .isEqualTo(new TrainingCommand.ImportFiles("imports/imp1/a2b.bin", null, 256));
  }

  @Test
  void shouldWriteAnImportUnderTheImportFieldAndReadItBack() {
    TrainingCommand c =
        TrainingCommand.importModel(
            "imp1", "h2z", new TrainingCommand.ImportFiles("imports/imp1/a2b.bin", null, 64));

    assertThat(new String(MessageCodec.encode(c), java.nio.charset.StandardCharsets.UTF_8))
        .contains("\"type\":\"import\"")
        .contains("\"import\":{\"a2b\":\"imports/imp1/a2b.bin\",\"imageSize\":64}");
    assertThat(MessageCodec.decode(MessageCodec.encode(c), TrainingCommand.class)).isEqualTo(c);
  }

  @Test
  void shouldPublishTheNamedVersionOfAnImportElseItsJobId() {
    TrainingCommand named =
        TrainingCommand.importModel(
            "import-0a1b",
            "h2z",
            new TrainingCommand.ImportFiles("imports/a/a2b.bin", null, 64, "v1"));
    TrainingCommand unnamed =
        TrainingCommand.importModel(
            "imp1", "h2z", new TrainingCommand.ImportFiles("imports/imp1/a2b.bin", null, 64));

    assertThat(MessageCodec.decode(MessageCodec.encode(named), TrainingCommand.class))
        .isEqualTo(named);
    assertThat(named.importVersion()).isEqualTo("v1");
    assertThat(unnamed.importVersion()).isEqualTo("imp1");
    assertThatThrownBy(() -> new TrainingCommand.ImportFiles("imports/a/a2b.bin", null, 64, " "))
        .isInstanceOf(MessageFormatException.class)
        .hasMessageContaining("import.version");
  }

  @Test
  void shouldRejectAnImportWithoutFilesOrWithADatasetNamingTheField() {
    assertThatThrownBy(() -> MessageCodec.decode(IMPORT + "}", TrainingCommand.class))
        .isInstanceOf(MessageFormatException.class)
        .extracting(e -> ((MessageFormatException) e).field())
        .isEqualTo("import");
    assertThatThrownBy(
            () ->
                MessageCodec.decode(
                    IMPORT + ",\"dataset\":\"d\",\"import\":{\"a2b\":\"k\"}}",
                    TrainingCommand.class))
        .isInstanceOf(MessageFormatException.class)
        .extracting(e -> ((MessageFormatException) e).field())
        .isEqualTo("dataset");
  }

  @Test
  void shouldIgnoreAnUnknownFieldInsideImportButRejectATooSmallImageSize() {
    // The open contract: a field a newer writer added is ignored, never acted on.
    TrainingCommand withExtra =
        MessageCodec.decode(
            IMPORT + ",\"import\":{\"a2b\":\"k\",\"code\":\"x\"}}", TrainingCommand.class);
    assertThat(withExtra.importFiles().a2b()).isEqualTo("k");
    assertThatThrownBy(
            () ->
                MessageCodec.decode(
                    IMPORT + ",\"import\":{\"a2b\":\"k\",\"imageSize\":4}}", TrainingCommand.class))
        .isInstanceOf(MessageFormatException.class)
        .extracting(e -> ((MessageFormatException) e).field())
        .isEqualTo("import.imageSize");
  }

  @Test
  void shouldRejectImportFilesOnAStart() {
    assertThatThrownBy(
            () ->
                MessageCodec.decode(START + ",\"import\":{\"a2b\":\"k\"}}", TrainingCommand.class))
        .isInstanceOf(MessageFormatException.class)
        .extracting(e -> ((MessageFormatException) e).field())
        .isEqualTo("import");
  }
}
