package io.cyclegan.ingest.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cyclegan.common.config.ConfigException;
import io.cyclegan.common.config.Env;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiAuthTest {

  @Test
  void shouldRefuseNoAuthenticationWhenTheApiListensBeyondLoopback() {
    AuthConfig none = AuthConfig.fromEnv(new Env(Map.of("CYCLEGAN_API_AUTH", "none")));

    assertThatThrownBy(() -> ApiAuth.of(none, "0.0.0.0"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("CYCLEGAN_API_AUTH")
        .hasMessageContaining("loopback");
    assertThat(ApiAuth.of(none, "127.0.0.1").required()).isFalse();
  }

  @Test
  void shouldRequireATokensFileOrAnIssuerWhenAuthenticationIsOn() {
    assertThatThrownBy(() -> AuthConfig.fromEnv(new Env(Map.of())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("CYCLEGAN_API_TOKENS_FILE");
    assertThatThrownBy(
            () -> AuthConfig.fromEnv(new Env(Map.of("CYCLEGAN_OIDC_ISSUER", "https://i.test"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("CYCLEGAN_OIDC_AUDIENCE");
  }

  @Test
  void shouldAuthenticateOnlyTheTokenWhoseHashIsListed(@TempDir Path dir) throws Exception {
    String token = ApiTokens.generate();
    Path file = dir.resolve("tokens");
    Files.write(file, List.of("# comment", ApiTokens.line("ci", token, EnumSet.of(Scope.UPLOAD))));
    ApiAuth auth =
        ApiAuth.of(
            AuthConfig.fromEnv(new Env(Map.of("CYCLEGAN_API_TOKENS_FILE", file.toString()))),
            "0.0.0.0");

    Caller caller = auth.authenticate("Bearer " + token);

    assertThat(caller.name()).isEqualTo("ci");
    assertThat(caller.may(Scope.UPLOAD)).isTrue();
    assertThat(caller.may(Scope.TRAIN)).isFalse();
    assertThat(Files.readString(file)).doesNotContain(token);
    assertThatThrownBy(() -> auth.authenticate("Bearer " + token + "x"))
        .isInstanceOf(AuthException.class)
        .extracting(e -> ((AuthException) e).reason())
        .isEqualTo("INVALID_TOKEN");
    assertThatThrownBy(() -> auth.authenticate(null))
        .extracting(e -> ((AuthException) e).reason())
        .isEqualTo("MISSING_TOKEN");
  }

  @Test
  void shouldRefuseATokensFileThatDoesNotParseNamingTheLine(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("tokens");
    Files.write(file, List.of("ci:" + "0".repeat(64) + ":upload,root"));

    assertThatThrownBy(() -> new TokenFile(file, "CYCLEGAN_API_TOKENS_FILE"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("line 1")
        .hasMessageContaining("root");
  }
}
