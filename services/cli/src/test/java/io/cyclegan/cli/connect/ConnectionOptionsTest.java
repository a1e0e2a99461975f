package io.cyclegan.cli.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cyclegan.common.config.Env;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class ConnectionOptionsTest {

  @Command
  static final class Holder {
    @Mixin ConnectionOptions options = new ConnectionOptions();
  }

  private static ConnectionOptions parse(String... args) {
    Holder holder = new Holder();
    new CommandLine(holder).parseArgs(args);
    return holder.options;
  }

  @Test
  void shouldUseTheLocalStackDefaultsWhenNothingIsSet() {
    Connection c = parse().resolve(new Env(Map.of()));

    assertThat(c.kafka().bootstrapServers()).isEqualTo("127.0.0.1:9092");
    assertThat(c.s3().endpoint()).isEqualTo("http://127.0.0.1:9000");
    assertThat(c.s3().bucket()).isEqualTo("cyclegan");
    assertThat(c.s3().accessKey().reveal()).isEqualTo("cyclegan");
    assertThat(c.s3().secretKey().reveal()).isEqualTo("cyclegan-secret");
  }

  @Test
  void shouldPreferOptionsOverVariablesAndPassOtherKafkaVariablesThrough() {
    Env env =
        new Env(
            Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "kafka:9092",
                "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "S3_ENDPOINT", "https://s3.example",
                "S3_BUCKET", "from-env",
                "S3_SECRET_KEY", "env-secret",
                "CYCLEGAN_TOPIC_IMAGES_IN", "custom.in"));

    Connection fromEnv = parse().resolve(env);
    Connection fromOptions =
        parse("--bootstrap-servers", "other:9093", "--bucket", "from-option").resolve(env);

    assertThat(fromEnv.kafka().bootstrapServers()).isEqualTo("kafka:9092");
    assertThat(fromEnv.kafka().properties()).containsEntry("security.protocol", "SASL_SSL");
    assertThat(fromEnv.s3().endpoint()).isEqualTo("https://s3.example");
    assertThat(fromEnv.s3().bucket()).isEqualTo("from-env");
    assertThat(fromEnv.topics().imagesIn()).isEqualTo("custom.in");
    assertThat(fromOptions.kafka().bootstrapServers()).isEqualTo("other:9093");
    assertThat(fromOptions.s3().bucket()).isEqualTo("from-option");
  }

  @Test
  void shouldMaskSecretsWhenPrinted() {
    Connection c =
        parse("--s3-secret-key", "s3-very-secret")
            .resolve(new Env(Map.of("KAFKA_SASL_JAAS_CONFIG", "password=\"kafka-very-secret\"")));

    assertThat(c.toString()).doesNotContain("s3-very-secret").doesNotContain("kafka-very-secret");
  }

  @Test
  void shouldFollowTheServicesCredentialSourceAndCaFileWhenTheVariablesNameThem(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path ca = java.nio.file.Files.writeString(dir.resolve("ca.pem"), "pem");
    Connection c =
        parse()
            .resolve(
                new Env(
                    Map.of(
                        "S3_CREDENTIALS", "env",
                        "AWS_ACCESS_KEY_ID", "ASIAEXAMPLE",
                        "AWS_SECRET_ACCESS_KEY", "aws-secret",
                        "S3_CA_FILE", ca.toString())));

    assertThat(c.s3().credentials().source())
        .isEqualTo(io.cyclegan.common.config.S3Credentials.Source.ENV);
    assertThat(c.s3().caFile()).contains(ca);
  }

  @Test
  void shouldPreferKeysGivenAsOptionsOverAnotherSource() {
    Connection c =
        parse("--s3-access-key", "k", "--s3-secret-key", "s")
            .resolve(new Env(Map.of("S3_CREDENTIALS", "iam")));

    assertThat(c.s3().credentials().source())
        .isEqualTo(io.cyclegan.common.config.S3Credentials.Source.STATIC);
    assertThat(c.s3().accessKey().reveal()).isEqualTo("k");
  }

  @Test
  void shouldUseKafkaAndS3WhenNoApiIsConfigured() {
    assertThat(parse().api(new Env(Map.of()))).isEmpty();
  }

  @Test
  void shouldTakeTheApiFromTheOptionThenTheVariable() {
    Env env = new Env(Map.of("CYCLEGAN_API_URL", "http://from-env:8080"));

    assertThat(parse().api(env).orElseThrow().base().toString()).isEqualTo("http://from-env:8080/");
    assertThat(parse("--api", "https://from-option/cg").api(env).orElseThrow().base().toString())
        .isEqualTo("https://from-option/cg/");
  }

  @Test
  void shouldReadTheCurrentOrTheNamedProfileFromTheConfigFile(@TempDir Path home) throws Exception {
    Path config = home.resolve(".config/cyclegan/config.yaml");
    Files.createDirectories(config.getParent());
    Files.writeString(
        config,
        "current: prod\n"
            + "profiles:\n"
            + "  prod: {api: 'https://prod.example', token: cgt_prod}\n"
            + "  dev:\n"
            + "    api: http://127.0.0.1:8080\n");
    Env env = new Env(Map.of("HOME", home.toString()));

    assertThat(parse().api(env).orElseThrow().base().toString()).isEqualTo("https://prod.example/");
    assertThat(parse("--profile", "dev").api(env).orElseThrow().base().toString())
        .isEqualTo("http://127.0.0.1:8080/");
    assertThat(parse("--bootstrap-servers", "kafka:9092").api(env)).isEmpty();
    assertThatThrownBy(() -> parse("--profile", "staging").api(env))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no profile 'staging'");
  }

  @Test
  void shouldRefuseAnApiThatIsNotAnHttpUrl() {
    assertThatThrownBy(() -> parse("--api", "kafka:9092").api(new Env(Map.of())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("http://");
  }
}
