package io.cyclegan.common.store;

/**
 * The object store refused a call for a reason that waiting cannot fix (or, as the subclass {@link
 * StoreUnavailableException}, could not be reached in time); names the key.
 */
public class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
