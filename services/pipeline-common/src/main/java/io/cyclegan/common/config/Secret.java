package io.cyclegan.common.config;

/** A value that must never reach a log line or a {@code toString()}. */
public final class Secret {
  private final String value;

  public Secret(String value) {
    this.value = value;
  }

  /** The value itself, for the one place that needs it (a client's credentials). */
  public String reveal() {
    return value;
  }

  @Override
  public String toString() {
    return "******";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Secret s && s.value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }
}
