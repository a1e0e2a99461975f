package io.cyclegan.common.store;

import io.cyclegan.common.fault.Faults;

/**
 * The store could not be reached within the retry budget or the call's deadline: a transient fault
 * that outlasted the wait. Work that meets it waits and tries again later; it is never a reason to
 * fail a job, answer a request with an error or dead-letter a record.
 */
public final class StoreUnavailableException extends StoreException
    implements Faults.TransientFault {
  private static final long serialVersionUID = 1L;

  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
