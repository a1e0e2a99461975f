package io.cyclegan.common.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Where the S3 credentials come from ({@code S3_CREDENTIALS}), with what each source needs, read
 * once from the environment. The sources are the standard ones of the AWS SDKs, served by the MinIO
 * client's providers (see {@code store.CredentialProviders}):
 *
 * <ul>
 *   <li>{@code static}: {@code S3_ACCESS_KEY} and {@code S3_SECRET_KEY} (the default when {@code
 *       S3_ACCESS_KEY} is set, and when nothing else is);
 *   <li>{@code env}: {@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY} and, for temporary
 *       keys, {@code AWS_SESSION_TOKEN} (the default when {@code AWS_ACCESS_KEY_ID} is set);
 *   <li>{@code web-identity}: a Kubernetes service account token ({@code
 *       AWS_WEB_IDENTITY_TOKEN_FILE}, read again at each refresh since the kubelet rotates it)
 *       exchanged at STS ({@code AssumeRoleWithWebIdentity}) for temporary keys of {@code
 *       AWS_ROLE_ARN}, as EKS IRSA and its kin inject them (the default when {@code
 *       AWS_WEB_IDENTITY_TOKEN_FILE} is set); STS at {@code S3_STS_ENDPOINT}, default the region's;
 *   <li>{@code iam}: the instance profile from the instance metadata service (IMDSv2) or the ECS
 *       container endpoint; {@code S3_IAM_ENDPOINT} overrides the metadata address;
 *   <li>{@code chain}: each of the above whose variables are given, in that order, then {@code
 *       iam}; the first that yields keys wins.
 * </ul>
 *
 * <p>{@code iam} and {@code chain} are never chosen implicitly: without any variable the service
 * stops at start naming {@code S3_ACCESS_KEY}, rather than wait on a metadata address that may not
 * exist.
 */
public record S3Credentials(
    Source source,
    Optional<StaticKeys> staticKeys,
    Optional<StaticKeys> environmentKeys,
    Optional<WebIdentity> webIdentity,
    Optional<String> iamEndpoint) {

  /** The value of {@code S3_CREDENTIALS}. */
  public enum Source {
    STATIC,
    ENV,
    WEB_IDENTITY,
    IAM,
    CHAIN;

    public String configName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static Source parse(String value) {
      for (Source s : values()) {
        if (s.configName().equals(value.toLowerCase(Locale.ROOT))) {
          return s;
        }
      }
      throw new ConfigException(
          "S3_CREDENTIALS",
          "expected one of "
              + Arrays.stream(values()).map(Source::configName).collect(Collectors.joining(", "))
              + ", got '"
              + value
              + "'");
    }
  }

  /** An access key and secret, with a session token for temporary keys. */
  public record StaticKeys(Secret accessKey, Secret secretKey, Optional<Secret> sessionToken) {
    public static StaticKeys of(String accessKey, String secretKey) {
      return new StaticKeys(new Secret(accessKey), new Secret(secretKey), Optional.empty());
    }
  }

  /**
   * @param stsEndpoint where {@code AssumeRoleWithWebIdentity} is called
   */
  public record WebIdentity(
      Path tokenFile, String roleArn, String sessionName, String stsEndpoint) {}

  /** Static keys, as before credential sources existed. */
  public static S3Credentials ofStatic(Secret accessKey, Secret secretKey) {
    return new S3Credentials(
        Source.STATIC,
        Optional.of(new StaticKeys(accessKey, secretKey, Optional.empty())),
        Optional.empty(),
        Optional.empty(),
        Optional.empty());
  }

  public static S3Credentials fromEnv(Env env, String region) {
    Source source =
        env.optional("S3_CREDENTIALS").map(Source::parse).orElseGet(() -> implicitSource(env));
    Optional<StaticKeys> staticKeys =
        source == Source.STATIC ? Optional.of(staticKeys(env)) : optionalStaticKeys(env);
    Optional<StaticKeys> environmentKeys =
        source == Source.ENV ? Optional.of(environmentKeys(env)) : optionalEnvironmentKeys(env);
    Optional<WebIdentity> webIdentity =
        source == Source.WEB_IDENTITY
            ? Optional.of(webIdentity(env, region))
            : env.optional("AWS_WEB_IDENTITY_TOKEN_FILE").map(f -> webIdentity(env, region));
    Optional<String> iamEndpoint =
        env.optional("S3_IAM_ENDPOINT")
            .map(e -> env.matching("S3_IAM_ENDPOINT", null, "https?://.+", "an http(s):// URL"));
    if (source != Source.CHAIN) {
      // Only what the chosen source reads: the others' variables are not looked at.
      staticKeys = source == Source.STATIC ? staticKeys : Optional.empty();
      environmentKeys = source == Source.ENV ? environmentKeys : Optional.empty();
      webIdentity = source == Source.WEB_IDENTITY ? webIdentity : Optional.empty();
      iamEndpoint = source == Source.IAM ? iamEndpoint : Optional.empty();
    }
    return new S3Credentials(source, staticKeys, environmentKeys, webIdentity, iamEndpoint);
  }

  private static Source implicitSource(Env env) {
    if (env.optional("S3_ACCESS_KEY").isPresent()) {
      return Source.STATIC;
    }
    if (env.optional("AWS_WEB_IDENTITY_TOKEN_FILE").isPresent()) {
      return Source.WEB_IDENTITY;
    }
    if (env.optional("AWS_ACCESS_KEY_ID").isPresent()) {
      return Source.ENV;
    }
    return Source.STATIC; // and so a one-line error naming S3_ACCESS_KEY
  }

  private static StaticKeys staticKeys(Env env) {
    return new StaticKeys(
        new Secret(
            env.required(
                "S3_ACCESS_KEY",
                "the S3 access key (or S3_CREDENTIALS=env, web-identity, iam or chain)")),
        new Secret(env.required("S3_SECRET_KEY", "the S3 secret key")),
        Optional.empty());
  }

  private static Optional<StaticKeys> optionalStaticKeys(Env env) {
    return env.optional("S3_ACCESS_KEY").map(k -> staticKeys(env));
  }

  private static StaticKeys environmentKeys(Env env) {
    return new StaticKeys(
        new Secret(env.required("AWS_ACCESS_KEY_ID", "an AWS access key id")),
        new Secret(env.required("AWS_SECRET_ACCESS_KEY", "an AWS secret access key")),
        env.optional("AWS_SESSION_TOKEN").map(Secret::new));
  }

  private static Optional<StaticKeys> optionalEnvironmentKeys(Env env) {
    return env.optional("AWS_ACCESS_KEY_ID").map(k -> environmentKeys(env));
  }

  private static WebIdentity webIdentity(Env env, String region) {
    Path tokenFile =
        Path.of(
            env.required(
                "AWS_WEB_IDENTITY_TOKEN_FILE", "the path of a projected service account token"));
    if (!Files.isReadable(tokenFile)) {
      throw new ConfigException(
          "AWS_WEB_IDENTITY_TOKEN_FILE", "expected a readable file, got '" + tokenFile + "'");
    }
    env.required("AWS_ROLE_ARN", "the ARN of the IAM role to assume");
    return new WebIdentity(
        tokenFile,
        env.matching("AWS_ROLE_ARN", "", "arn:[a-z-]+:iam::[0-9]*:role/.+", "an IAM role ARN"),
        env.matching(
            "AWS_ROLE_SESSION_NAME",
            "cyclegan",
            "[\\w+=,.@-]{2,64}",
            "2-64 letters, digits or +=,.@-"),
        env.matching(
            "S3_STS_ENDPOINT",
            "https://sts." + region + ".amazonaws.com",
            "https?://.+",
            "an http(s):// URL"));
  }
}
