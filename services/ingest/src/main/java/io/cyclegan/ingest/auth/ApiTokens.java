package io.cyclegan.ingest.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.stream.Collectors;

/**
 * Making API tokens and the lines of a tokens file ({@code name:sha256hex:scope,scope}). A token is
 * 32 random bytes, so a plain SHA-256 of it is as hard to reverse as the token is to guess: no salt
 * or slow hash is needed, unlike for passwords.
 */
public final class ApiTokens {
  private static final SecureRandom RANDOM = new SecureRandom();

  /** The prefix of generated tokens, so secret scanners can find leaked ones. */
  public static final String PREFIX = "cgt_";

  private ApiTokens() {}

  /** A fresh token: {@value #PREFIX} and 32 random bytes, base64url. */
  public static String generate() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** The lower-case hex SHA-256 of the token's UTF-8 bytes, as stored in a tokens file. */
  public static String sha256Hex(String token) {
    return HexFormat.of().formatHex(sha256(token));
  }

  static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** One line of a tokens file granting {@code scopes} to {@code token} under {@code name}. */
  public static String line(String name, String token, Collection<Scope> scopes) {
    return name
        + ":"
        + sha256Hex(token)
        + ":"
        + scopes.stream().map(Scope::label).collect(Collectors.joining(","));
  }
}
