package io.cyclegan.common.store;

/** The object store failed or was unreachable after the bounded retries; names the key. */
public final class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
