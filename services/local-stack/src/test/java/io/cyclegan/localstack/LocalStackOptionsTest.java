package io.cyclegan.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LocalStackOptionsTest {

  @Test
  void shouldUseWellKnownPortsWhenNothingGiven() {
    LocalStackOptions options = LocalStackOptions.parse(new String[0], Map.of());

    assertThat(options)
        .isEqualTo(
            new LocalStackOptions(
                9092, 9000, Optional.empty(), "cyclegan", "cyclegan", "cyclegan-secret", false));
  }

  @Test
  void shouldPreferFlagsOverEnvironmentWhenBothGiven() {
    LocalStackOptions options =
        LocalStackOptions.parse(
            new String[] {"--kafka-port", "19092", "--s3-port=19000", "--data-dir", "/tmp/ls"},
            Map.of(
                "LOCAL_STACK_KAFKA_PORT", "29092",
                "LOCAL_STACK_S3_PORT", "29000",
                "S3_BUCKET", "other",
                "S3_ACCESS_KEY", "ak",
                "S3_SECRET_KEY", "sk"));

    assertThat(options)
        .isEqualTo(
            new LocalStackOptions(
                19092, 19000, Optional.of(Path.of("/tmp/ls")), "other", "ak", "sk", false));
  }

  @Test
  void shouldNameTheOptionWhenPortIsMalformed() {
    assertThatThrownBy(() -> LocalStackOptions.parse(new String[] {"--s3-port", "nine"}, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "--s3-port / LOCAL_STACK_S3_PORT must be a port number from 0 to 65535, was 'nine'");
  }

  @Test
  void shouldNameTheOptionWhenItIsUnknown() {
    assertThatThrownBy(() -> LocalStackOptions.parse(new String[] {"--kafka"}, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown option --kafka");
  }

  @Test
  void shouldNameTheOptionWhenItsValueIsMissing() {
    assertThatThrownBy(() -> LocalStackOptions.parse(new String[] {"--bucket"}, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--bucket needs a value");
  }
}
