package io.cyclegan.ingest.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.net.MalformedURLException;
import java.text.ParseException;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Validates JWTs from an OIDC issuer (Nimbus JOSE+JWT): an RS256 or ES256 signature by a key of the
 * issuer's JWKS (cached, and fetched again for an unknown key id), the exact issuer, the audience,
 * and an expiry that has not passed (60 s of clock skew allowed). The caller's name is the {@code
 * sub} claim; its scopes come from the configured claim.
 */
public final class OidcAuthenticator {
  private static final int JWKS_TIMEOUT_MS = 5_000;
  private static final int JWKS_SIZE_LIMIT = 256 * 1024;

  private final OidcConfig config;
  private final DefaultJWTProcessor<SecurityContext> processor;

  public OidcAuthenticator(OidcConfig config) {
    this.config = config;
    JWKSource<SecurityContext> keys;
    try {
      keys =
          JWKSourceBuilder.<SecurityContext>create(
                  config.jwksUrl().toURL(),
                  new DefaultResourceRetriever(JWKS_TIMEOUT_MS, JWKS_TIMEOUT_MS, JWKS_SIZE_LIMIT))
              .build();
    } catch (MalformedURLException e) {
      throw new IllegalArgumentException("not a URL: " + config.jwksUrl(), e);
    }
    this.processor = new DefaultJWTProcessor<>();
    processor.setJWSKeySelector(
        new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256), keys));
    processor.setJWTClaimsSetVerifier(
        new DefaultJWTClaimsVerifier<>(
            config.audience(),
            new JWTClaimsSet.Builder().issuer(config.issuer()).build(),
            Set.of("sub", "exp")));
  }

  /** Whether the token looks like a JWT (three base64url parts) rather than an API token. */
  public static boolean looksLikeJwt(String token) {
    return token.chars().filter(c -> c == '.').count() == 2;
  }

  /**
   * The caller the JWT names.
   *
   * @throws AuthException {@code EXPIRED_TOKEN} or {@code INVALID_TOKEN}
   * @throws IdentityProviderUnavailableException when the JWKS cannot be fetched (a transient
   *     fault, not the caller's)
   */
  public Caller authenticate(String jwt) {
    JWTClaimsSet claims;
    try {
      claims = processor.process(jwt, null);
    } catch (BadJWTException e) {
      if (e.getMessage() != null && e.getMessage().startsWith("Expired")) {
        throw new AuthException("EXPIRED_TOKEN", "the JWT has expired");
      }
      throw AuthException.invalid("the JWT was refused: " + e.getMessage());
    } catch (KeySourceException e) {
      throw new IdentityProviderUnavailableException(
          "cannot fetch the issuer's keys from " + config.jwksUrl(), e);
    } catch (ParseException | BadJOSEException | JOSEException e) {
      throw AuthException.invalid("the JWT was refused: " + e.getMessage());
    }
    return new Caller("oidc:" + claims.getSubject(), scopes(claims.getClaim(config.scopeClaim())));
  }

  private static Set<Scope> scopes(Object claim) {
    Collection<?> values;
    if (claim instanceof String s) {
      values = List.of(s.trim().split("\\s+"));
    } else if (claim instanceof Collection<?> c) {
      values = c;
    } else {
      values = List.of();
    }
    Set<Scope> out = EnumSet.noneOf(Scope.class);
    for (Object v : values) {
      if (v instanceof String label) {
        Scope.parse(label).ifPresent(out::add);
      }
    }
    return out;
  }

  /** The issuer's keys could not be fetched: the request is answered 503, not 401. */
  public static final class IdentityProviderUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    IdentityProviderUnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
