package io.cyclegan.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cyclegan.common.config.S3Credentials.Source;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class S3CredentialsTest {
  private static final String ROLE = "arn:aws:iam::123456789012:role/cyclegan-inference";

  @TempDir Path dir;

  @Test
  void shouldUseStaticKeysWhenS3AccessKeyIsSet() {
    S3Credentials c =
        credentials(Map.of("S3_ACCESS_KEY", "AKIAEXAMPLE", "S3_SECRET_KEY", "secret-value"));

    assertThat(c.source()).isEqualTo(Source.STATIC);
    assertThat(c.staticKeys().orElseThrow().accessKey().reveal()).isEqualTo("AKIAEXAMPLE");
    assertThat(c.environmentKeys()).isEmpty();
    assertThat(c.webIdentity()).isEmpty();
  }

  @Test
  void shouldNameS3AccessKeyAndTheOtherSourcesWhenNothingIsGiven() {
    assertThatThrownBy(() -> credentials(Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "S3_ACCESS_KEY: missing, expected the S3 access key"
                + " (or S3_CREDENTIALS=env, web-identity, iam or chain)");
  }

  @Test
  void shouldReadTheAwsVariablesWhenEnvIsChosenOrImplied() {
    Map<String, String> env =
        Map.of(
            "AWS_ACCESS_KEY_ID", "ASIAEXAMPLE",
            "AWS_SECRET_ACCESS_KEY", "aws-secret",
            "AWS_SESSION_TOKEN", "session");

    S3Credentials implied = credentials(env);
    S3Credentials chosen = credentials(with(env, "S3_CREDENTIALS", "env"));

    assertThat(implied).isEqualTo(chosen);
    assertThat(chosen.source()).isEqualTo(Source.ENV);
    assertThat(chosen.environmentKeys().orElseThrow().sessionToken().orElseThrow().reveal())
        .isEqualTo("session");
  }

  @Test
  void shouldRequireBothAwsKeysForEnv() {
    assertThatThrownBy(() -> credentials(Map.of("S3_CREDENTIALS", "env")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("AWS_ACCESS_KEY_ID: missing");
  }

  @Test
  void shouldTakeTheServiceAccountTokenAndRoleForWebIdentity() throws Exception {
    Path token = Files.writeString(dir.resolve("token"), "eyJhbGciOi.jwt");

    S3Credentials c =
        credentials(
            Map.of(
                "AWS_WEB_IDENTITY_TOKEN_FILE",
                token.toString(),
                "AWS_ROLE_ARN",
                ROLE,
                "S3_REGION",
                "eu-west-1"));

    assertThat(c.source()).isEqualTo(Source.WEB_IDENTITY);
    S3Credentials.WebIdentity w = c.webIdentity().orElseThrow();
    assertThat(w.tokenFile()).isEqualTo(token);
    assertThat(w.roleArn()).isEqualTo(ROLE);
    assertThat(w.sessionName()).isEqualTo("cyclegan");
    assertThat(w.stsEndpoint()).isEqualTo("https://sts.eu-west-1.amazonaws.com");
  }

  @Test
  void shouldRefuseWebIdentityWithoutAReadableTokenOrARole() throws Exception {
    Path token = Files.writeString(dir.resolve("token"), "jwt");

    assertThatThrownBy(
            () ->
                credentials(
                    Map.of(
                        "S3_CREDENTIALS",
                        "web-identity",
                        "AWS_WEB_IDENTITY_TOKEN_FILE",
                        dir.resolve("absent").toString(),
                        "AWS_ROLE_ARN",
                        ROLE)))
        .hasMessageStartingWith("AWS_WEB_IDENTITY_TOKEN_FILE: expected a readable file");
    assertThatThrownBy(
            () ->
                credentials(
                    Map.of(
                        "S3_CREDENTIALS",
                        "web-identity",
                        "AWS_WEB_IDENTITY_TOKEN_FILE",
                        token.toString())))
        .hasMessageStartingWith("AWS_ROLE_ARN: missing");
  }

  @Test
  void shouldUseTheInstanceProfileOnlyWhenAskedFor() {
    S3Credentials c =
        credentials(Map.of("S3_CREDENTIALS", "iam", "S3_IAM_ENDPOINT", "http://127.0.0.1:1"));

    assertThat(c.source()).isEqualTo(Source.IAM);
    assertThat(c.iamEndpoint()).contains("http://127.0.0.1:1");
    assertThat(c.staticKeys()).isEmpty();
  }

  @Test
  void shouldCollectEveryConfiguredSourceForChain() throws Exception {
    Path token = Files.writeString(dir.resolve("token"), "jwt");

    S3Credentials c =
        credentials(
            Map.of(
                "S3_CREDENTIALS", "chain",
                "AWS_ACCESS_KEY_ID", "ASIAEXAMPLE",
                "AWS_SECRET_ACCESS_KEY", "aws-secret",
                "AWS_WEB_IDENTITY_TOKEN_FILE", token.toString(),
                "AWS_ROLE_ARN", ROLE));

    assertThat(c.source()).isEqualTo(Source.CHAIN);
    assertThat(c.staticKeys()).isEmpty();
    assertThat(c.environmentKeys()).isPresent();
    assertThat(c.webIdentity()).isPresent();
  }

  @Test
  void shouldNameTheValidSourcesWhenTheChoiceIsUnknown() {
    assertThatThrownBy(() -> credentials(Map.of("S3_CREDENTIALS", "vault")))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "S3_CREDENTIALS: expected one of static, env, web-identity, iam, chain, got 'vault'");
  }

  @Test
  void shouldNeverPrintKeys() {
    String printed =
        credentials(
                Map.of(
                    "S3_CREDENTIALS", "chain",
                    "S3_ACCESS_KEY", "AKIAEXAMPLE",
                    "S3_SECRET_KEY", "secret-value",
                    "AWS_ACCESS_KEY_ID", "ASIAEXAMPLE",
                    "AWS_SECRET_ACCESS_KEY", "aws-secret",
                    "AWS_SESSION_TOKEN", "session-token"))
            .toString();

    assertThat(printed)
        .doesNotContain(
            "AKIAEXAMPLE", "secret-value", "ASIAEXAMPLE", "aws-secret", "session-token");
  }

  @Test
  void shouldRefuseACaFileThatCannotBeRead() {
    Map<String, String> env =
        Map.of(
            "S3_ACCESS_KEY", "a",
            "S3_SECRET_KEY", "b",
            "S3_CA_FILE", dir.resolve("missing.pem").toString());

    assertThatThrownBy(() -> S3Settings.fromEnv(new Env(env)))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("S3_CA_FILE: expected a readable PEM file");
  }

  private static S3Credentials credentials(Map<String, String> env) {
    return S3Settings.fromEnv(new Env(env)).credentials();
  }

  private static Map<String, String> with(Map<String, String> env, String name, String value) {
    Map<String, String> out = new HashMap<>(env);
    out.put(name, value);
    return out;
  }
}
