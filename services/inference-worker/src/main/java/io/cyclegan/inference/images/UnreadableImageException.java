package io.cyclegan.inference.images;

/** The input object is not an image the worker can translate. */
public final class UnreadableImageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UnreadableImageException(String message) {
    super(message);
  }

  public UnreadableImageException(String message, Throwable cause) {
    super(message, cause);
  }
}
