package io.cyclegan.inference.models;

/** The request names a model, or a version of one, that does not exist in the store. */
public final class UnknownModelException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UnknownModelException(String message) {
    super(message);
  }
}
