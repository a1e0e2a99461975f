package io.cyclegan.common.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.cyclegan.common.config.Env;
import io.cyclegan.common.config.S3Credentials;
import io.cyclegan.common.config.S3Settings;
import io.minio.credentials.ChainedProvider;
import io.minio.credentials.Credentials;
import io.minio.credentials.IamAwsProvider;
import io.minio.credentials.Provider;
import io.minio.credentials.StaticProvider;
import io.minio.credentials.WebIdentityProvider;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialProvidersTest {
  private static final String ROLE = "arn:aws:iam::123456789012:role/cyclegan-training";
  private static final OkHttpClient HTTP = new OkHttpClient();

  @TempDir Path dir;

  @Test
  void shouldSignWithTheStaticKeys() {
    Provider p = provider(Map.of("S3_ACCESS_KEY", "AKIAEXAMPLE", "S3_SECRET_KEY", "secret"));

    assertThat(p).isInstanceOf(StaticProvider.class);
    assertThat(p.fetch().accessKey()).isEqualTo("AKIAEXAMPLE");
    assertThat(p.fetch().sessionToken()).isNull();
  }

  @Test
  void shouldSignWithTheAwsEnvironmentKeysAndTheirSessionToken() {
    Provider p =
        provider(
            Map.of(
                "S3_CREDENTIALS", "env",
                "AWS_ACCESS_KEY_ID", "ASIAEXAMPLE",
                "AWS_SECRET_ACCESS_KEY", "aws-secret",
                "AWS_SESSION_TOKEN", "session"));

    assertThat(p.fetch().accessKey()).isEqualTo("ASIAEXAMPLE");
    assertThat(p.fetch().secretKey()).isEqualTo("aws-secret");
    assertThat(p.fetch().sessionToken()).isEqualTo("session");
  }

  @Test
  void shouldAskTheInstanceMetadataServiceForIam() {
    Provider p = provider(Map.of("S3_CREDENTIALS", "iam"));

    assertThat(p).isInstanceOf(IamAwsProvider.class);
  }

  @Test
  void shouldTryTheGivenSourcesThenTheInstanceProfileForChain() {
    List<Provider> chain =
        CredentialProviders.chain(
            credentials(
                Map.of(
                    "S3_CREDENTIALS", "chain",
                    "S3_ACCESS_KEY", "AKIAEXAMPLE",
                    "S3_SECRET_KEY", "secret")),
            HTTP);

    assertThat(chain).hasSize(2);
    assertThat(chain.get(0)).isInstanceOf(StaticProvider.class);
    assertThat(chain.get(1)).isInstanceOf(IamAwsProvider.class);
    assertThat(provider(Map.of("S3_CREDENTIALS", "chain"))).isInstanceOf(IamAwsProvider.class);
    assertThat(
            CredentialProviders.of(
                credentials(
                    Map.of(
                        "S3_CREDENTIALS", "chain",
                        "S3_ACCESS_KEY", "AKIAEXAMPLE",
                        "S3_SECRET_KEY", "secret")),
                HTTP))
        .isInstanceOf(ChainedProvider.class);
  }

  @Test
  void shouldExchangeTheServiceAccountTokenAtStsForTemporaryKeys() throws Exception {
    Path token = Files.writeString(dir.resolve("token"), "eyJ.service-account.jwt\n");
    List<String> asked = new CopyOnWriteArrayList<>();
    HttpServer sts =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    sts.createContext(
        "/",
        exchange -> {
          String query = exchange.getRequestURI().getRawQuery();
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          asked.add(
              URLDecoder.decode((query == null ? "" : query) + "&" + body, StandardCharsets.UTF_8));
          byte[] answer = STS_ANSWER.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "text/xml");
          exchange.sendResponseHeaders(200, answer.length);
          exchange.getResponseBody().write(answer);
          exchange.close();
        });
    sts.start();
    try {
      Provider p =
          provider(
              Map.of(
                  "AWS_WEB_IDENTITY_TOKEN_FILE",
                  token.toString(),
                  "AWS_ROLE_ARN",
                  ROLE,
                  "S3_STS_ENDPOINT",
                  "http://127.0.0.1:" + sts.getAddress().getPort()));

      assertThat(p).isInstanceOf(WebIdentityProvider.class);
      Credentials c = p.fetch();

      assertThat(c.accessKey()).isEqualTo("ASIATEMPORARY");
      assertThat(c.secretKey()).isEqualTo("temporary-secret");
      assertThat(c.sessionToken()).isEqualTo("temporary-session");
      assertThat(asked)
          .singleElement()
          .asString()
          .contains("Action=AssumeRoleWithWebIdentity")
          .contains("WebIdentityToken=eyJ.service-account.jwt&")
          .contains("RoleArn=" + ROLE)
          .contains("RoleSessionName=cyclegan");
    } finally {
      sts.stop(0);
    }
  }

  private static final String STS_ANSWER =
      """
      <AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
        <AssumeRoleWithWebIdentityResult>
          <Credentials>
            <AccessKeyId>ASIATEMPORARY</AccessKeyId>
            <SecretAccessKey>temporary-secret</SecretAccessKey>
            <SessionToken>temporary-session</SessionToken>
            <Expiration>2099-01-01T00:00:00Z</Expiration>
          </Credentials>
        </AssumeRoleWithWebIdentityResult>
      </AssumeRoleWithWebIdentityResponse>
      """;

  private static S3Credentials credentials(Map<String, String> env) {
    return S3Settings.fromEnv(new Env(env)).credentials();
  }

  private static Provider provider(Map<String, String> env) {
    return CredentialProviders.of(credentials(env), HTTP);
  }
}
