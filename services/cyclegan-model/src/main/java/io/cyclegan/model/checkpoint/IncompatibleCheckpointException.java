package io.cyclegan.model.checkpoint;

/** A sound checkpoint that does not fit the requested model (its message names the difference). */
public final class IncompatibleCheckpointException extends IllegalArgumentException {

  /** Creates the exception with a message naming each difference. */
  public IncompatibleCheckpointException(String message) {
    super(message);
  }
}
