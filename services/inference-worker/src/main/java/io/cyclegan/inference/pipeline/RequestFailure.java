package io.cyclegan.inference.pipeline;

/**
 * Why a request gets an error result: the stage it failed in (also the dead letter's {@code
 * cg-error-stage}) and the cause, whose message becomes the result's {@code error}.
 */
final class RequestFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String stage;
  private final String errorClass;

  RequestFailure(String stage, Throwable cause) {
    super(String.valueOf(cause.getMessage()), cause);
    this.stage = stage;
    this.errorClass = cause.getClass().getName();
  }

  RequestFailure(String stage, String errorClass, String message) {
    super(message);
    this.stage = stage;
    this.errorClass = errorClass;
  }

  String stage() {
    return stage;
  }

  String errorClass() {
    return errorClass;
  }
}
