package io.cyclegan.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private certificate authority and one server certificate it signed, for the secured local stack
 * ({@link LocalStack.Builder#optSecurity(boolean)}): the broker's TLS listeners and the HTTPS S3
 * endpoint present the server certificate, valid for {@code 127.0.0.1} and {@code localhost}, and
 * clients trust {@link #caPem()}.
 *
 * <p>Made with the JDK's {@code keytool}, run as a child process: the JDK has no public API to sign
 * a certificate, its {@code sun.security} classes are not exported, and this keeps the stack free
 * of a crypto library. Elliptic-curve keys, so the eight calls take seconds, once per data folder.
 */
public final class LocalCertificates {

  /** The password of the PKCS#12 key stores; they live in the stack's own data folder. */
  static final String PASSWORD = "cyclegan-local-tls";

  /** The certificate's subject, and so the broker's principal on its mutual-TLS listeners. */
  static final String SERVER_DN = "CN=cyclegan-local-broker";

  private static final long KEYTOOL_TIMEOUT_S = 60;
  private static final String VALIDITY_DAYS = "3650";
  private static final List<String> NEW_KEY =
      List.of("-keyalg", "EC", "-groupname", "secp256r1", "-validity", VALIDITY_DAYS);

  private final Path dir;

  private LocalCertificates(Path dir) {
    this.dir = dir;
  }

  /** Creates the authority and the server certificate in {@code dir}, unless they are there. */
  static LocalCertificates in(Path dir) {
    LocalCertificates certs = new LocalCertificates(dir);
    if (!Files.exists(certs.keyStore()) || !Files.exists(certs.caPem())) {
      certs.create();
    }
    return certs;
  }

  /** The authority's certificate, PEM: what a client trusts ({@code S3_CA_FILE}, Kafka's PEM). */
  public Path caPem() {
    return dir.resolve("ca.pem");
  }

  /** PKCS#12: the server's key and its chain (server, authority), password {@link #PASSWORD}. */
  Path keyStore() {
    return dir.resolve("server.p12");
  }

  private Path caStore() {
    return dir.resolve("ca.p12");
  }

  private void create() {
    try {
      Files.createDirectories(dir);
      for (Path old : List.of(caStore(), keyStore(), caPem())) {
        Files.deleteIfExists(old);
      }
      Path csr = dir.resolve("server.csr");
      Path signed = dir.resolve("server.pem");
      keytool(
          "-genkeypair",
          caStore(),
          "ca",
          NEW_KEY,
          "-dname",
          "CN=cyclegan-local-ca",
          "-ext",
          "bc:c");
      keytool("-exportcert", caStore(), "ca", "-rfc", "-file", caPem());
      keytool("-genkeypair", keyStore(), "server", NEW_KEY, "-dname", SERVER_DN);
      keytool("-certreq", keyStore(), "server", "-file", csr);
      keytool(
          "-gencert",
          caStore(),
          "ca",
          "-infile",
          csr,
          "-outfile",
          signed,
          "-rfc",
          "-validity",
          VALIDITY_DAYS,
          "-ext",
          "SAN=ip:127.0.0.1,dns:localhost");
      keytool("-importcert", keyStore(), "ca", "-noprompt", "-file", caPem());
      keytool("-importcert", keyStore(), "server", "-file", signed);
      Files.delete(csr);
      Files.delete(signed);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the local certificates in " + dir, e);
    }
  }

  private static void keytool(String verb, Path store, String alias, Object... options)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(
        List.of(
            verb,
            "-keystore",
            store.toString(),
            "-storetype",
            "PKCS12",
            "-storepass",
            PASSWORD,
            "-alias",
            alias));
    for (Object option : options) {
      if (option instanceof List<?> list) {
        list.forEach(o -> command.add(o.toString()));
      } else {
        command.add(option.toString());
      }
    }
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output;
    try {
      if (!process.waitFor(KEYTOOL_TIMEOUT_S, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException("keytool " + verb + " did not finish in " + KEYTOOL_TIMEOUT_S + " s");
      }
      output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IOException("interrupted while running keytool " + verb, e);
    }
    if (process.exitValue() != 0) {
      throw new IOException("keytool " + verb + " failed: " + output.strip());
    }
  }
}
