package io.cyclegan.common.config;

import java.util.Map;
import java.util.Optional;

/**
 * Typed reads over a map of variables (the process environment in production, a literal map in
 * tests), in the manner of Micrometer's {@code PrometheusConfig}: each read names its variable and
 * fails with a one-line {@link ConfigException} saying what was expected.
 */
public final class Env {
  private final Map<String, String> vars;

  public Env(Map<String, String> vars) {
    this.vars = Map.copyOf(vars);
  }

  public static Env system() {
    return new Env(System.getenv());
  }

  public Map<String, String> asMap() {
    return vars;
  }

  public Optional<String> optional(String name) {
    String v = vars.get(name);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
  }

  public String string(String name, String defaultValue) {
    return optional(name).orElse(defaultValue);
  }

  public String required(String name, String what) {
    return optional(name).orElseThrow(() -> new ConfigException(name, "missing, expected " + what));
  }

  public int integer(String name, int defaultValue, int min, int max) {
    Optional<String> v = optional(name);
    if (v.isEmpty()) {
      return defaultValue;
    }
    try {
      int parsed = Integer.parseInt(v.get());
      if (parsed < min || parsed > max) {
        throw new ConfigException(
            name, "expected an integer in [" + min + ", " + max + "], got " + parsed);
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new ConfigException(name, "expected an integer, got '" + v.get() + "'");
    }
  }

  public long longValue(String name, long defaultValue, long min, long max) {
    Optional<String> v = optional(name);
    if (v.isEmpty()) {
      return defaultValue;
    }
    try {
      long parsed = Long.parseLong(v.get());
      if (parsed < min || parsed > max) {
        throw new ConfigException(
            name, "expected an integer in [" + min + ", " + max + "], got " + parsed);
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new ConfigException(name, "expected an integer, got '" + v.get() + "'");
    }
  }

  public boolean bool(String name, boolean defaultValue) {
    Optional<String> v = optional(name);
    if (v.isEmpty()) {
      return defaultValue;
    }
    return switch (v.get().toLowerCase(java.util.Locale.ROOT)) {
      case "true", "1", "yes" -> true;
      case "false", "0", "no" -> false;
      default -> throw new ConfigException(name, "expected true or false, got '" + v.get() + "'");
    };
  }

  /** A value that must be one of {@code allowed}, or match {@code pattern} when given. */
  public String matching(String name, String defaultValue, String pattern, String what) {
    String v = string(name, defaultValue);
    if (!v.matches(pattern)) {
      throw new ConfigException(name, "expected " + what + ", got '" + v + "'");
    }
    return v;
  }
}
