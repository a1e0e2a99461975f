package io.cyclegan.ingest.auth;

/**
 * A request whose credentials do not authenticate it: answered 401. The message is safe to show (it
 * never repeats the token); the reason is one of {@code MISSING_TOKEN}, {@code INVALID_TOKEN},
 * {@code EXPIRED_TOKEN}.
 */
public final class AuthException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String reason;

  public AuthException(String reason, String message) {
    super(message);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }

  static AuthException invalid(String message) {
    return new AuthException("INVALID_TOKEN", message);
  }
}
