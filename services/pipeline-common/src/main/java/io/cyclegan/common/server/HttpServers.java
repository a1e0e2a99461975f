package io.cyclegan.common.server;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * Makes the JDK's {@link HttpServer}s of every service (the side port, the ingest HTTP API) with
 * {@code TCP_NODELAY} on their connections.
 *
 * <p>The JDK server flushes a response's headers before its body and, unless the system property
 * {@code sun.net.httpserver.nodelay} is {@code true}, leaves Nagle's algorithm on: on a kept-alive
 * connection the body then waits for the client's delayed acknowledgement of the headers, about 40
 * ms on Linux. Measured on Java 17 here: 44 ms per small GET or 20 KB POST with the default, 0.9 ms
 * with the property (docs/benchmarks.md). The JDK reads the property once, when it makes its first
 * server, so it is set here before that unless the operator set it (to anything) already.
 */
public final class HttpServers {
  /** The JDK's switch for {@code TCP_NODELAY} on its HTTP server's connections. */
  public static final String NODELAY_PROPERTY = "sun.net.httpserver.nodelay";

  private HttpServers() {}

  /** {@link HttpServer#create(InetSocketAddress, int)} with the default backlog, Nagle off. */
  public static HttpServer create(InetSocketAddress address) throws IOException {
    if (System.getProperty(NODELAY_PROPERTY) == null) {
      System.setProperty(NODELAY_PROPERTY, "true");
    }
    return HttpServer.create(address, 0);
  }
}
