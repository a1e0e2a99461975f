package io.cyclegan.common.image;

/** Untrusted bytes that are not an image we accept; {@link #reason()} says which check failed. */
public final class ImageRejectedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The check that failed. Each has its own message, naming what was expected and found. */
  public enum Reason {
    /** No bytes at all. */
    EMPTY,
    /** More bytes than the configured limit. */
    TOO_LARGE,
    /** Text (a document, a script) where an image was expected. */
    TEXT_NOT_IMAGE,
    /** Binary content without any known image signature. */
    UNKNOWN_FORMAT,
    /** An image format we do not decode (GIF, WebP, BMP, TIFF). */
    UNSUPPORTED_FORMAT,
    /** The declared format and the real one differ. */
    FORMAT_MISMATCH,
    /** Width x height over the pixel limit, read from the header before decoding. */
    TOO_MANY_PIXELS,
    /** The data ends before the image does. */
    TRUNCATED,
    /** The decoder refused the data. */
    CORRUPT
  }

  private final Reason reason;

  public ImageRejectedException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public ImageRejectedException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
