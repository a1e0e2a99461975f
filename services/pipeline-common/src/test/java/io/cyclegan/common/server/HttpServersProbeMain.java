package io.cyclegan.common.server;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Starts a server through {@link HttpServers#create} and prints the request time limit the JVM then
 * has and the port; it answers 204 to everything until it is killed.
 */
public final class HttpServersProbeMain {
  static final String PORT_PREFIX = "listening on port ";

  private HttpServersProbeMain() {}

  public static void main(String[] args) throws Exception {
    HttpServer server =
        HttpServers.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    server.createContext(
        "/",
        exchange -> {
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    server.start();
    System.out.println(
        HttpServers.MAX_REQUEST_TIME_PROPERTY
            + "="
            + System.getProperty(HttpServers.MAX_REQUEST_TIME_PROPERTY));
    System.out.println(PORT_PREFIX + server.getAddress().getPort() + ".");
    System.out.flush();
  }
}
