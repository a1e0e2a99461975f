package io.cyclegan.ingest.http;

import io.cyclegan.ingest.routing.RejectReason;
import io.cyclegan.ingest.routing.RejectedInputException;

/** An HTTP error answered as {@code {"status": <code>, "error": "...", "reason": "..."}}. */
final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String reason;

  ApiException(int status, String reason, String message) {
    super(message);
    this.status = status;
    this.reason = reason;
  }

  static ApiException of(RejectedInputException e) {
    return new ApiException(statusOf(e.reason()), e.reason().name(), e.describe());
  }

  static ApiException notFound(String message) {
    return new ApiException(404, "NOT_FOUND", message);
  }

  static ApiException badRequest(String reason, String message) {
    return new ApiException(400, reason, message);
  }

  int status() {
    return status;
  }

  String reason() {
    return reason;
  }

  /**
   * 413 for what is too big, 415 for what is not an image we take, 409 for a request id taken by
   * other bytes, 500 for our own failure.
   */
  static int statusOf(RejectReason reason) {
    return switch (reason) {
      case TOO_LARGE, TOO_MANY_PIXELS -> 413;
      case TEXT_NOT_IMAGE, UNKNOWN_FORMAT, UNSUPPORTED_FORMAT, FORMAT_MISMATCH -> 415;
      case UNEXPECTED -> 500;
      case REQUEST_ID_CONFLICT -> 409;
      default -> 400;
    };
  }
}
