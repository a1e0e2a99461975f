package io.cyclegan.inference.pipeline;

import io.cyclegan.common.fault.Faults;
import io.cyclegan.common.store.StoreException;
import io.cyclegan.inference.images.UnreadableImageException;
import io.cyclegan.inference.models.ModelCache;
import io.cyclegan.inference.models.ModelLoadException;
import io.cyclegan.inference.models.UnknownModelException;
import java.util.regex.Pattern;

/**
 * Why a stage of a request did not complete: the stage (also the dead letter's {@code
 * cg-error-stage}) and the cause. {@link #isTransient} tells a fault that waiting can fix (the
 * store or the broker away) from a permanent one (a bad input, an unknown model); only a permanent
 * one, or a transient one past the request's deadline, becomes an error result, whose {@code error}
 * is {@link #getMessage}: a message safe to show a user, naming no host, endpoint or bucket.
 */
final class RequestFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** URLs, IP addresses and host:port pairs, which a client library's message may carry. */
  private static final Pattern ADDRESS =
      Pattern.compile(
          "[a-zA-Z][a-zA-Z0-9+.-]*://\\S+"
              + "|/?[\\w.-]*\\d+\\.\\d+\\.\\d+\\.\\d+(:\\d+)?"
              + "|/?(?:localhost|[\\w-]+(?:\\.[\\w-]+)+):\\d{2,5}");

  private final String stage;
  private final String errorClass;

  RequestFailure(String stage, Throwable cause) {
    super(safe(String.valueOf(cause.getMessage())), cause);
    this.stage = stage;
    this.errorClass = cause.getClass().getName();
  }

  RequestFailure(String stage, String errorClass, String message) {
    super(message);
    this.stage = stage;
    this.errorClass = errorClass;
  }

  /**
   * The request waited out a transient fault until its deadline: names the dependency that was
   * away, not where it lives.
   */
  static RequestFailure deadline(RequestFailure last, long deadlineSeconds) {
    String what = storeFault(last) ? "the object store" : "the message broker";
    return new RequestFailure(
        "deadline",
        last.errorClass,
        "not answered within the request's deadline of "
            + deadlineSeconds
            + " s: "
            + what
            + " was unavailable (at stage "
            + last.stage
            + ")");
  }

  String stage() {
    return stage;
  }

  String errorClass() {
    return errorClass;
  }

  /**
   * True when waiting can fix the cause. The worker's own verdicts on an input or a model are
   * permanent whatever they wrap (a truncated model file ends in an {@code EOFException}, which is
   * not a network fault here).
   */
  boolean isTransient() {
    for (Throwable t = getCause(); t != null; t = t.getCause()) {
      if (t instanceof Faults.TransientFault) {
        return true;
      }
      if (t instanceof UnknownModelException
          || t instanceof ModelLoadException
          || t instanceof UnreadableImageException
          || t instanceof RequestFailure) {
        return false;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return getCause() != null && Faults.isTransient(getCause());
  }

  private static boolean storeFault(RequestFailure f) {
    for (Throwable t = f.getCause(); t != null; t = t.getCause()) {
      if (t instanceof StoreException || t instanceof ModelCache.StillLoadingException) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  /** The message without addresses; what a user reads. */
  static String safe(String message) {
    return ADDRESS.matcher(message).replaceAll("<address>");
  }
}
