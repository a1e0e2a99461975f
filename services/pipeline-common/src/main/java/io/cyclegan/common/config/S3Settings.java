package io.cyclegan.common.config;

/** Where the object store is and how to sign in; the keys print as {@code ******}. */
public record S3Settings(
    String endpoint, String region, String bucket, Secret accessKey, Secret secretKey) {

  public static S3Settings fromEnv(Env env) {
    String endpoint =
        env.matching("S3_ENDPOINT", "http://localhost:9000", "https?://.+", "an http(s):// URL");
    String bucket =
        env.matching(
            "S3_BUCKET",
            "cyclegan",
            "[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]",
            "an S3 bucket name (3-63 lower-case letters, digits, '.', '-')");
    return new S3Settings(
        endpoint,
        env.string("S3_REGION", "us-east-1"),
        bucket,
        new Secret(env.required("S3_ACCESS_KEY", "the S3 access key")),
        new Secret(env.required("S3_SECRET_KEY", "the S3 secret key")));
  }

  public static S3Settings of(String endpoint, String bucket, String accessKey, String secretKey) {
    return new S3Settings(
        endpoint, "us-east-1", bucket, new Secret(accessKey), new Secret(secretKey));
  }
}
