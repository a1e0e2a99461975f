package io.cyclegan.common.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the object store is, how to sign in ({@link S3Credentials}; keys print as {@code ******})
 * and, for an HTTPS endpoint with a private certificate authority, which authority to trust ({@code
 * S3_CA_FILE}, PEM: then only the certificates in that file are trusted for the store, like {@code
 * AWS_CA_BUNDLE}).
 */
public record S3Settings(
    String endpoint,
    String region,
    String bucket,
    S3Credentials credentials,
    Optional<Path> caFile) {

  /** Static keys, no private authority. */
  public S3Settings(
      String endpoint, String region, String bucket, Secret accessKey, Secret secretKey) {
    this(endpoint, region, bucket, S3Credentials.ofStatic(accessKey, secretKey), Optional.empty());
  }

  public static S3Settings fromEnv(Env env) {
    String endpoint =
        env.matching("S3_ENDPOINT", "http://localhost:9000", "https?://.+", "an http(s):// URL");
    String bucket =
        env.matching(
            "S3_BUCKET",
            "cyclegan",
            "[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]",
            "an S3 bucket name (3-63 lower-case letters, digits, '.', '-')");
    String region = env.string("S3_REGION", "us-east-1");
    return new S3Settings(
        endpoint, region, bucket, S3Credentials.fromEnv(env, region), caFile(env));
  }

  private static Optional<Path> caFile(Env env) {
    Optional<Path> file = env.optional("S3_CA_FILE").map(Path::of);
    file.ifPresent(
        f -> {
          if (!Files.isReadable(f)) {
            throw new ConfigException(
                "S3_CA_FILE", "expected a readable PEM file of certificates, got '" + f + "'");
          }
        });
    return file;
  }

  public static S3Settings of(String endpoint, String bucket, String accessKey, String secretKey) {
    return new S3Settings(
        endpoint, "us-east-1", bucket, new Secret(accessKey), new Secret(secretKey));
  }

  /** The same store and sign-in, another bucket. */
  public S3Settings withBucket(String otherBucket) {
    return new S3Settings(endpoint, region, otherBucket, credentials, caFile);
  }

  /** The same store and bucket, trusting the authorities in {@code pem}. */
  public S3Settings withCaFile(Path pem) {
    return new S3Settings(endpoint, region, bucket, credentials, Optional.of(pem));
  }

  /** The static access key, for callers that show or pass it on; null for other sources. */
  public Secret accessKey() {
    return credentials.staticKeys().map(S3Credentials.StaticKeys::accessKey).orElse(null);
  }

  /** The static secret key; null for other sources. */
  public Secret secretKey() {
    return credentials.staticKeys().map(S3Credentials.StaticKeys::secretKey).orElse(null);
  }
}
