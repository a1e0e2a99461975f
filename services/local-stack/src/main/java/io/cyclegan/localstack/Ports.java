package io.cyclegan.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Loopback port checks (also for the services `cyclegan up` starts) and free-port picking. */
public final class Ports {

  static final String LOOPBACK = "127.0.0.1";

  private Ports() {}

  /**
   * Fails with a {@link PortInUseException} naming {@code port} when it cannot be bound on the
   * loopback address. Checked before any server starts so that a clash leaves nothing half-up.
   */
  public static void requireFree(String what, int port, String hint) {
    try (ServerSocket socket = new ServerSocket()) {
      // Same option the servers use, so a port left in TIME_WAIT by our own restart still counts
      // as free while a live listener does not.
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(loopback(), port));
    } catch (IOException e) {
      throw new PortInUseException(what, LOOPBACK, port, hint);
    }
  }

  /** A port that was free a moment ago; used where the server needs its port before binding. */
  static int pickFree() {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(loopback(), 0));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on " + LOOPBACK, e);
    }
  }

  static InetAddress loopback() {
    try {
      return InetAddress.getByName(LOOPBACK);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
