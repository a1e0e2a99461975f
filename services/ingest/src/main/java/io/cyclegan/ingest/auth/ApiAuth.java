package io.cyclegan.ingest.auth;

import io.cyclegan.common.config.ConfigException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;

/**
 * Turns a request's {@code Authorization} header into a {@link Caller}: a JWT goes to the OIDC
 * issuer's keys when one is configured, anything else to the tokens file. Built from an {@link
 * AuthConfig}; {@link #none()} lets every request in as {@link Caller#ANONYMOUS}.
 */
public final class ApiAuth {
  private final boolean required;
  private final Optional<TokenFile> tokens;
  private final Optional<OidcAuthenticator> oidc;

  private ApiAuth(boolean required, Optional<TokenFile> tokens, Optional<OidcAuthenticator> oidc) {
    this.required = required;
    this.tokens = tokens;
    this.oidc = oidc;
  }

  /**
   * Reads the tokens file and sets up the issuer's keys (fetched on first use).
   *
   * @param bindAddress where the API listens: {@code none} is refused unless it is loopback
   * @throws ConfigException for {@code CYCLEGAN_API_AUTH=none} on another address, or a tokens file
   *     that cannot be read
   */
  public static ApiAuth of(AuthConfig config, String bindAddress) {
    if (!config.required()) {
      if (!isLoopback(bindAddress)) {
        throw new ConfigException(
            AuthConfig.AUTH,
            "none is allowed only when the API listens on loopback, but it listens on "
                + bindAddress
                + "; give it a tokens file (CYCLEGAN_API_TOKENS_FILE) or an OIDC issuer");
      }
      return none();
    }
    return new ApiAuth(
        true,
        config.tokensFile().map(p -> new TokenFile(p, AuthConfig.TOKENS_FILE)),
        config.oidc().map(OidcAuthenticator::new));
  }

  /** Every request is let in with every scope. */
  public static ApiAuth none() {
    return new ApiAuth(false, Optional.empty(), Optional.empty());
  }

  public boolean required() {
    return required;
  }

  /**
   * The caller of a request with this {@code Authorization} header ({@code null} when absent).
   *
   * @throws AuthException {@code MISSING_TOKEN}, {@code INVALID_TOKEN} or {@code EXPIRED_TOKEN}
   */
  public Caller authenticate(String authorization) {
    if (!required) {
      return Caller.ANONYMOUS;
    }
    if (authorization == null || authorization.isBlank()) {
      throw new AuthException("MISSING_TOKEN", "this API needs a bearer token");
    }
    String[] parts = authorization.strip().split("\\s+", 2);
    if (parts.length != 2 || !parts[0].toLowerCase(Locale.ROOT).equals("bearer")) {
      throw AuthException.invalid("expected 'Authorization: Bearer <token>'");
    }
    String token = parts[1];
    if (oidc.isPresent() && OidcAuthenticator.looksLikeJwt(token)) {
      return oidc.get().authenticate(token);
    }
    if (tokens.isPresent()) {
      return tokens.get().authenticate(token);
    }
    throw AuthException.invalid("the bearer token is not valid");
  }

  static boolean isLoopback(String address) {
    try {
      return InetAddress.getByName(address).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
