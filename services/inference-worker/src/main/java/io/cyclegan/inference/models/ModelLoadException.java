package io.cyclegan.inference.models;

/** A model version exists but its generators cannot be loaded (damaged, wrong format). */
public final class ModelLoadException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ModelLoadException(String message, Throwable cause) {
    super(message, cause);
  }
}
