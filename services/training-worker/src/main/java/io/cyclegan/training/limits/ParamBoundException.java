package io.cyclegan.training.limits;

/**
 * A start command's params are valid but larger than this worker agrees to train: a permanent
 * error, so the job fails at once with this message (and the command is dead-lettered).
 */
public final class ParamBoundException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public ParamBoundException(String message) {
    super(message);
  }
}
