package io.cyclegan.common.config;

/** A missing or malformed variable; the message is one line naming it and what was expected. */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String variable, String message) {
    super(variable + ": " + message);
  }
}
