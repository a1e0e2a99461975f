package io.cyclegan.common.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The side port of a service: {@code /metrics} (Prometheus text), {@code /healthz} (every
 * long-lived loop of the {@link Liveness} is alive: 503 naming the dead ones otherwise) and {@code
 * /readyz} (every {@link ReadinessCheck} passes; the body lists each). Both answer from state kept
 * up to date in the background; neither calls Kafka or S3 on the request thread.
 */
public final class SideServer implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor;
  private final List<ReadinessCheck> checks = new CopyOnWriteArrayList<>();
  private final Liveness liveness;

  public SideServer(String bindAddress, int port, Metrics metrics) throws IOException {
    this(bindAddress, port, metrics, new Liveness());
  }

  public SideServer(String bindAddress, int port, Metrics metrics, Liveness liveness)
      throws IOException {
    this.liveness = liveness;
    this.server = HttpServers.create(new InetSocketAddress(bindAddress, port));
    this.executor =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "side-server");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext(
        "/metrics",
        ex -> respond(ex, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape()));
    server.createContext("/healthz", this::healthz);
    server.createContext("/readyz", this::readyz);
    server.start();
  }

  public SideServer addCheck(ReadinessCheck check) {
    checks.add(check);
    return this;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public Liveness liveness() {
    return liveness;
  }

  private void healthz(HttpExchange ex) throws IOException {
    if (liveness.healthy()) {
      respond(ex, 200, "text/plain", "ok\n");
    } else {
      respond(ex, 503, "text/plain", String.join("\n", liveness.lines()) + "\n");
    }
  }

  private void readyz(HttpExchange ex) throws IOException {
    StringBuilder body = new StringBuilder();
    boolean ready = true;
    for (ReadinessCheck c : checks) {
      boolean ok;
      try {
        ok = c.check().getAsBoolean();
      } catch (RuntimeException e) {
        ok = false;
      }
      ready &= ok;
      body.append(c.name()).append(ok ? " ok\n" : " failing\n");
    }
    respond(ex, ready ? 200 : 503, "text/plain", body.toString());
  }

  private static void respond(HttpExchange ex, int status, String contentType, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", contentType);
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
