package io.cyclegan.common.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cyclegan.common.config.Env;
import io.cyclegan.common.config.S3Settings;
import io.cyclegan.common.fault.Dependency;
import io.cyclegan.common.fault.RetryPolicy;
import io.cyclegan.localstack.LocalStack;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertPathBuilderException;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An HTTPS store whose certificate a private authority signed ({@code S3_CA_FILE}). */
class ObjectStoreTlsIT {
  private static final RetryPolicy SHORT =
      new RetryPolicy(Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(500));

  private static LocalStack stack;

  @BeforeAll
  static void start() {
    stack = LocalStack.builder().optSecurity(true).optTopics(List.of()).build().start();
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  @Test
  void shouldReadAndWriteOverHttpsWhenTheCaFileIsGiven() {
    ObjectStore store = store(stack.connectionEnv());

    store.put("tls/a.txt", "private".getBytes(StandardCharsets.UTF_8), "text/plain");

    assertThat(store.get("tls/a.txt"))
        .hasValueSatisfying(
            b -> assertThat(b).asString(StandardCharsets.UTF_8).isEqualTo("private"));
    assertThat(store.isReachable()).isTrue();
  }

  @Test
  void shouldRefuseTheStoreAtOnceWithoutTheCaFile() {
    Map<String, String> env = new HashMap<>(stack.connectionEnv());
    env.remove("S3_CA_FILE");
    ObjectStore store = store(env);

    // An untrusted certificate is an operator's fix, not an outage to wait out.
    assertThatThrownBy(() -> store.get("tls/a.txt"))
        .isInstanceOf(StoreException.class)
        .isNotInstanceOf(StoreUnavailableException.class)
        .hasRootCauseInstanceOf(CertPathBuilderException.class);
    assertThat(store.isReachable()).isFalse();
  }

  @Test
  void shouldRefuseAStoreWhoseCertificateAnotherAuthoritySigned(@TempDir Path dir)
      throws Exception {
    Map<String, String> env = new HashMap<>(stack.connectionEnv());
    env.put("S3_CA_FILE", publicAuthority(dir.resolve("public-ca.pem")).toString());

    assertThatThrownBy(() -> store(env).get("tls/a.txt"))
        .isInstanceOf(StoreException.class)
        .isNotInstanceOf(StoreUnavailableException.class)
        .hasRootCauseInstanceOf(CertPathBuilderException.class);
  }

  /** Some public authority from the JDK's own trust store, as PEM: trusted, but not the signer. */
  private static Path publicAuthority(Path pem) throws Exception {
    KeyStore cacerts = KeyStore.getInstance(KeyStore.getDefaultType());
    try (InputStream in =
        Files.newInputStream(
            Path.of(System.getProperty("java.home"), "lib", "security", "cacerts"))) {
      cacerts.load(in, null);
    }
    Certificate ca = cacerts.getCertificate(cacerts.aliases().nextElement());
    String base64 =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(ca.getEncoded());
    return Files.writeString(
        pem, "-----BEGIN CERTIFICATE-----\n" + base64 + "\n-----END CERTIFICATE-----\n");
  }

  private static ObjectStore store(Map<String, String> env) {
    return new ObjectStore(S3Settings.fromEnv(new Env(env)), SHORT, new Dependency("s3"));
  }
}
