package io.cyclegan.common.config;

/** A missing or malformed variable; the message is one line naming it and what was expected. */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String variable;

  public ConfigException(String variable, String message) {
    super(variable + ": " + message);
    this.variable = variable;
  }

  public String variable() {
    return variable;
  }
}
