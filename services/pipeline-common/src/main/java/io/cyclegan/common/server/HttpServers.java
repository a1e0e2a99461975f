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
 *
 * <p>The same goes for {@code sun.net.httpserver.maxReqTime}, which the JDK leaves unlimited: a
 * client that trickles its request headers one byte at a time would otherwise hold a connection
 * (and a slot of the ingest API) for ever. It is set to {@value #MAX_REQUEST_SECONDS} seconds. The
 * JDK counts it from the accept until the whole request, headers and body, has been read, so it
 * must exceed the ingest API's admission wait (30 s) plus its body read deadline ({@code
 * CYCLEGAN_HTTP_READ_TIMEOUT_SECONDS}, 60 s by default), or a slow but honest upload that was
 * admitted would be cut by this timer instead of by the body deadline; an operator who raises the
 * body deadline raises this with {@code -Dsun.net.httpserver.maxReqTime=<seconds>}.
 */
public final class HttpServers {
  /** The JDK's switch for {@code TCP_NODELAY} on its HTTP server's connections. */
  public static final String NODELAY_PROPERTY = "sun.net.httpserver.nodelay";

  /** The JDK's limit, in seconds, on the time from accept until a request has been read. */
  public static final String MAX_REQUEST_TIME_PROPERTY = "sun.net.httpserver.maxReqTime";

  /**
   * Our default of {@link #MAX_REQUEST_TIME_PROPERTY}: more than ingest's admission wait (30 s)
   * plus its body read deadline (60 s), see the class comment.
   */
  public static final int MAX_REQUEST_SECONDS = 120;

  private HttpServers() {}

  /**
   * {@link HttpServer#create(InetSocketAddress, int)} with the default backlog, Nagle off and a
   * request read limit of {@value #MAX_REQUEST_SECONDS} s, unless the operator set either.
   */
  public static HttpServer create(InetSocketAddress address) throws IOException {
    if (System.getProperty(NODELAY_PROPERTY) == null) {
      System.setProperty(NODELAY_PROPERTY, "true");
    }
    if (System.getProperty(MAX_REQUEST_TIME_PROPERTY) == null) {
      System.setProperty(MAX_REQUEST_TIME_PROPERTY, Integer.toString(MAX_REQUEST_SECONDS));
    }
    return HttpServer.create(address, 0);
  }
}
