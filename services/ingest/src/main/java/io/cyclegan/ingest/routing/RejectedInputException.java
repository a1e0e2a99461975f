package io.cyclegan.ingest.routing;

/**
 * An input that cannot be ingested, with the {@link RejectReason} and a message naming the header
 * or check, what was expected and what was found.
 */
public final class RejectedInputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final RejectReason reason;
  private final String errorClass;

  public RejectedInputException(RejectReason reason, String message) {
    super(message);
    this.reason = reason;
    this.errorClass = RejectedInputException.class.getName();
  }

  public RejectedInputException(RejectReason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
    this.errorClass = cause.getClass().getName();
  }

  public RejectReason reason() {
    return reason;
  }

  /** The class of the original error, for the dead letter's {@code cg-error-class}. */
  public String errorClass() {
    return errorClass;
  }

  /** {@code REASON: message}, as it appears in dead letters, error results and HTTP errors. */
  public String describe() {
    return reason.name() + ": " + getMessage();
  }
}
