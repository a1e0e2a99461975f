package io.cyclegan.ingest.auth;

import java.util.EnumSet;
import java.util.Set;

/**
 * An authenticated caller: a token's name or a JWT's subject, and the scopes it was granted.
 *
 * @param name safe to log: never the token itself
 */
public record Caller(String name, Set<Scope> scopes) {
  /** The caller of an API that runs without authentication (loopback only). */
  public static final Caller ANONYMOUS = new Caller("anonymous", EnumSet.of(Scope.ADMIN));

  public Caller {
    scopes = scopes.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(scopes));
  }

  /** Whether the caller holds {@code scope}, directly or through {@link Scope#ADMIN}. */
  public boolean may(Scope scope) {
    return scopes.contains(Scope.ADMIN) || scopes.contains(scope);
  }
}
