package io.cyclegan.common.messages;

/**
 * A message that cannot be read: wrong schema version, a missing or unknown field, or a value of
 * the wrong type. {@link #field()} names the offending field when there is one.
 */
public final class MessageFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String field;

  public MessageFormatException(String field, String message) {
    super(message);
    this.field = field;
  }

  public MessageFormatException(String field, String message, Throwable cause) {
    super(message, cause);
    this.field = field;
  }

  /** The JSON field the error is about, or {@code null} when it concerns the whole message. */
  public String field() {
    return field;
  }
}
