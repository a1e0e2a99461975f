package io.cyclegan.ingest.http;

import io.cyclegan.ingest.routing.RejectReason;
import io.cyclegan.ingest.routing.RejectedInputException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** An HTTP error answered as {@code {"status": <code>, "error": "...", "reason": "..."}}. */
final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** {@code header cg-name} in a refusal's text, as {@code HeaderParser} writes it. */
  private static final Pattern HEADER_NAME = Pattern.compile("header (cg-[a-z-]+)");

  private final int status;
  private final String reason;

  ApiException(int status, String reason, String message) {
    super(message);
    this.status = status;
    this.reason = reason;
  }

  static ApiException of(RejectedInputException e) {
    return of(e, Map.of());
  }

  /**
   * The refusal of an upload whose routing headers the API made from the request: each {@code
   * header cg-...} that {@code names} maps is named as the caller gave it (e.g. {@code query
   * parameter 'format'}), so the error points at what to change.
   */
  static ApiException of(RejectedInputException e, Map<String, String> names) {
    String message =
        HEADER_NAME
            .matcher(e.describe())
            .replaceAll(m -> Matcher.quoteReplacement(names.getOrDefault(m.group(1), m.group())));
    return new ApiException(statusOf(e.reason()), e.reason().name(), message);
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
