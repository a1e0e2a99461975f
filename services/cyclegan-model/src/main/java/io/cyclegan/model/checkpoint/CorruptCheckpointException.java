package io.cyclegan.model.checkpoint;

import java.io.IOException;

/** A checkpoint or export stream that is truncated, damaged or not one of ours. */
public class CorruptCheckpointException extends IOException {

  /** Creates the exception with a message naming what was wrong. */
  public CorruptCheckpointException(String message) {
    super(message);
  }

  /** Creates the exception with a message and the I/O failure behind it. */
  public CorruptCheckpointException(String message, Throwable cause) {
    super(message, cause);
  }
}
