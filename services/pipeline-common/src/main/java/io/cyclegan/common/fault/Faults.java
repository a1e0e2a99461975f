package io.cyclegan.common.fault;

import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.DisconnectException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RetriableException;

/**
 * The fault model (see docs/reliability.md): an error is <em>transient</em> when waiting can fix it
 * (a broker, store or network that is away, a timeout, a 5xx, throttling) and <em>permanent</em>
 * otherwise (bad input, unknown model, bad params, corrupt data, missing rights). Transient errors
 * never fail a job, produce an error result or a dead letter; they wait.
 */
public final class Faults {
  private Faults() {}

  /** True when {@code e}, or a cause of it, is a fault that waiting can fix. */
  public static boolean isTransient(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof TransientFault) {
        return true;
      }
      if (t instanceof AuthenticationException || t instanceof AuthorizationException) {
        return false; // credentials and rights are an operator's fix, not a wait
      }
      if (t instanceof RetriableException
          || t instanceof DisconnectException
          || t instanceof NotEnoughReplicasException
          || t instanceof org.apache.kafka.common.errors.TimeoutException
          || t instanceof TimeoutException
          || t instanceof ConnectException
          || t instanceof NoRouteToHostException
          || t instanceof SocketTimeoutException
          || t instanceof UnknownHostException
          || t instanceof SocketException
          || t instanceof EOFException
          || t instanceof InterruptedIOException
          || (t instanceof IOException && t.getClass().getName().startsWith("java.net"))
          || (t instanceof IOException && t.getClass().getName().startsWith("okhttp3"))) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  /** Marks an exception as transient by type, whatever its cause. */
  public interface TransientFault {}
}
