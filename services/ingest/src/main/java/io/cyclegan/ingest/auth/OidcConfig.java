package io.cyclegan.ingest.auth;

import java.net.URI;
import java.util.Objects;

/**
 * Where JWTs come from and what they must say: {@code CYCLEGAN_OIDC_ISSUER} (the exact {@code
 * iss}), {@code CYCLEGAN_OIDC_AUDIENCE} (required in {@code aud}), {@code CYCLEGAN_OIDC_JWKS_URL}
 * (the issuer's signing keys) and {@code CYCLEGAN_OIDC_SCOPE_CLAIM} (the claim whose values, a
 * space-separated string or an array, name {@link Scope}s; others are ignored).
 */
public record OidcConfig(String issuer, String audience, URI jwksUrl, String scopeClaim) {
  public static final String DEFAULT_SCOPE_CLAIM = "scope";

  public OidcConfig {
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(audience, "audience");
    Objects.requireNonNull(jwksUrl, "jwksUrl");
    Objects.requireNonNull(scopeClaim, "scopeClaim");
  }
}
