package io.cyclegan.common.messages;

import io.cyclegan.common.trust.ReasonCode;
import java.util.Optional;

/**
 * A message that cannot be read: wrong schema version, a missing or unknown field, or a value of
 * the wrong type. {@link #field()} names the offending field when there is one.
 */
public final class MessageFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String field;
  private final ReasonCode reason;

  public MessageFormatException(String field, String message) {
    this(field, message, (ReasonCode) null);
  }

  public MessageFormatException(String field, String message, Throwable cause) {
    super(message, cause);
    this.field = field;
    this.reason = null;
  }

  /** A refusal with a reason code of its own; {@code message} starts with the code. */
  public MessageFormatException(String field, String message, ReasonCode reason) {
    super(message);
    this.field = field;
    this.reason = reason;
  }

  /**
   * The reason code when the refusal has one of its own ({@link
   * ReasonCode#UNSUPPORTED_SCHEMA_VERSION}); empty for a malformed message.
   */
  public Optional<ReasonCode> reason() {
    return Optional.ofNullable(reason);
  }

  /** The JSON field the error is about, or {@code null} when it concerns the whole message. */
  public String field() {
    return field;
  }
}
