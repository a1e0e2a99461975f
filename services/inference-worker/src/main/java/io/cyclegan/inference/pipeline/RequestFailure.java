package io.cyclegan.inference.pipeline;

import io.cyclegan.common.fault.Faults;
import io.cyclegan.common.store.StoreException;
import io.cyclegan.common.trust.ReasonCode;
import io.cyclegan.common.trust.SafeMessages;
import io.cyclegan.inference.images.UnreadableImageException;
import io.cyclegan.inference.models.ModelCache;
import io.cyclegan.inference.models.ModelLoadException;
import io.cyclegan.inference.models.UnknownModelException;

/**
 * Why a stage of a request did not complete: the stage (also the dead letter's {@code
 * cg-error-stage}), a {@link ReasonCode} and the cause. {@link #isTransient} tells a fault that
 * waiting can fix (the store or the broker away) from a permanent one (a bad input, an unknown
 * model); only a permanent one, or a transient one past the request's deadline, becomes an error
 * result, whose {@code error} is {@link #getMessage}: {@code REASON: safe message}, naming no host,
 * endpoint, bucket or exception text. The cause's own text is {@link #detail}, for the log only.
 */
final class RequestFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String stage;
  private final String errorClass;
  private final ReasonCode reason;
  private final String detail;

  /** A failure caused by {@code cause}: the reason and a safe message follow from its type. */
  RequestFailure(String stage, Throwable cause) {
    super(reasonOf(cause).describe(safeMessageOf(cause)), cause);
    this.stage = stage;
    this.errorClass = cause.getClass().getName();
    this.reason = reasonOf(cause);
    this.detail = cause.toString();
  }

  /** A refusal of the worker's own: {@code safeMessage} is shown to the caller as it is. */
  RequestFailure(String stage, ReasonCode reason, String errorClass, String safeMessage) {
    super(reason.describe(safeMessage));
    this.stage = stage;
    this.errorClass = errorClass;
    this.reason = reason;
    this.detail = null;
  }

  private RequestFailure(RequestFailure f, String detail) {
    super(f.getMessage());
    this.stage = f.stage;
    this.errorClass = f.errorClass;
    this.reason = f.reason;
    this.detail = detail;
  }

  /**
   * The request waited out a transient fault until its deadline: names the dependency that was
   * away, not where it lives.
   */
  static RequestFailure deadline(RequestFailure last, long deadlineSeconds) {
    String what = storeFault(last) ? "the object store" : "the message broker";
    return new RequestFailure(
        new RequestFailure(
            "deadline",
            ReasonCode.DEADLINE_EXCEEDED,
            last.errorClass,
            "not answered within the request's deadline of "
                + deadlineSeconds
                + " s: "
                + what
                + " was unavailable (at stage "
                + last.stage
                + ")"),
        last.detail());
  }

  String stage() {
    return stage;
  }

  String errorClass() {
    return errorClass;
  }

  ReasonCode reason() {
    return reason;
  }

  /** What the log gets: the safe message and the cause's own text (hosts, buckets and all). */
  String detail() {
    return detail == null ? getMessage() : getMessage() + " (cause: " + detail + ")";
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

  private static ReasonCode reasonOf(Throwable cause) {
    if (cause instanceof UnknownModelException) {
      return ReasonCode.UNKNOWN_MODEL;
    }
    if (cause instanceof ModelLoadException) {
      return ReasonCode.MODEL_LOAD_FAILED;
    }
    if (cause instanceof UnreadableImageException) {
      return ReasonCode.UNREADABLE_INPUT;
    }
    return ReasonCode.INTERNAL;
  }

  /**
   * Our own verdicts name the model or the image problem; a model that does not load and anything
   * else get a fixed text, since their cause may carry the store's endpoint or bucket.
   */
  private static String safeMessageOf(Throwable cause) {
    if (cause instanceof UnknownModelException || cause instanceof UnreadableImageException) {
      return SafeMessages.withoutAddresses(cause.getMessage());
    }
    if (cause instanceof ModelLoadException) {
      return "the model's files could not be loaded";
    }
    return "the request could not be processed; the worker's log has the detail";
  }
}
