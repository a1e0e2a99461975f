package io.cyclegan.ingest.auth;

import io.cyclegan.common.config.ConfigException;
import io.cyclegan.common.config.Env;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How the HTTP API authenticates (docs/http-api.md, "Authentication"): {@code CYCLEGAN_API_AUTH} is
 * {@code token} (the default: bearer tokens from {@code CYCLEGAN_API_TOKENS_FILE}, JWTs from the
 * {@code CYCLEGAN_OIDC_*} issuer, at least one of the two) or {@code none}, which the service
 * accepts only on a loopback address.
 */
public record AuthConfig(boolean required, Optional<Path> tokensFile, Optional<OidcConfig> oidc) {
  public static final String AUTH = "CYCLEGAN_API_AUTH";
  public static final String TOKENS_FILE = "CYCLEGAN_API_TOKENS_FILE";

  /** No authentication: for a laptop or a test, on loopback only. */
  public static final AuthConfig NONE = new AuthConfig(false, Optional.empty(), Optional.empty());

  public static AuthConfig fromEnv(Env env) {
    String mode = env.matching(AUTH, "token", "token|none", "token or none");
    Optional<Path> file = env.optional(TOKENS_FILE).map(Path::of);
    Optional<OidcConfig> oidc = oidc(env);
    if (mode.equals("none")) {
      return NONE;
    }
    if (file.isEmpty() && oidc.isEmpty()) {
      throw new ConfigException(
          TOKENS_FILE,
          "missing: the HTTP API needs a tokens file or an OIDC issuer (CYCLEGAN_OIDC_ISSUER),"
              + " or CYCLEGAN_API_AUTH=none on loopback");
    }
    return new AuthConfig(true, file, oidc);
  }

  private static Optional<OidcConfig> oidc(Env env) {
    Optional<String> issuer = env.optional("CYCLEGAN_OIDC_ISSUER");
    if (issuer.isEmpty()) {
      return Optional.empty();
    }
    String audience = env.required("CYCLEGAN_OIDC_AUDIENCE", "the audience the API's JWTs carry");
    String jwks = env.required("CYCLEGAN_OIDC_JWKS_URL", "the URL of the issuer's JWKS");
    URI jwksUrl;
    try {
      jwksUrl = new URI(jwks);
    } catch (URISyntaxException e) {
      throw new ConfigException("CYCLEGAN_OIDC_JWKS_URL", "expected a URL, got '" + jwks + "'");
    }
    if (!"https".equals(jwksUrl.getScheme()) && !"http".equals(jwksUrl.getScheme())) {
      throw new ConfigException(
          "CYCLEGAN_OIDC_JWKS_URL", "expected an http(s) URL, got '" + jwks + "'");
    }
    return Optional.of(
        new OidcConfig(
            issuer.get(),
            audience,
            jwksUrl,
            env.string("CYCLEGAN_OIDC_SCOPE_CLAIM", OidcConfig.DEFAULT_SCOPE_CLAIM)));
  }
}
