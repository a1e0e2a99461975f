package io.cyclegan.cli;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback proxy in front of the real embedded S3 that writes down the request line ({@code GET
 * /bucket/key?query}) of every HTTP request a client sends through it, then forwards it unchanged
 * (the signature still matches: the client signed for the proxy's host, which the server sees).
 * Tests point a command's {@code --s3-endpoint} at it to count what one call asks the store for.
 *
 * <p>It reads HTTP/1.1 requests with a {@code Content-Length} body or none, which is what the MinIO
 * client sends; a request is written down before it is forwarded, so once the client has its
 * answer, the request is in {@link #requests()}.
 */
final class S3RequestLog implements AutoCloseable {
  private final ServerSocket server;
  private final String targetHost;
  private final int targetPort;
  private final List<String> requests = new CopyOnWriteArrayList<>();

  private S3RequestLog(URI target) throws IOException {
    this.targetHost = target.getHost();
    this.targetPort = target.getPort();
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::acceptLoop, "s3-request-log");
    accept.setDaemon(true);
    accept.start();
  }

  /** Starts a proxy to {@code endpoint} ({@code http://127.0.0.1:port}). */
  static S3RequestLog to(String endpoint) throws IOException {
    return new S3RequestLog(URI.create(endpoint));
  }

  /** The proxy's endpoint, to give clients instead of the store's. */
  String endpoint() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  /** Every request line so far, in the order they were sent. */
  List<String> requests() {
    return List.copyOf(requests);
  }

  void clear() {
    requests.clear();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket target = new Socket(targetHost, targetPort);
        daemon(() -> copyRequests(client, target));
        daemon(() -> copy(target, client));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private static void daemon(Runnable r) {
    Thread t = new Thread(r, "s3-request-log-link");
    t.setDaemon(true);
    t.start();
  }

  private void copyRequests(Socket client, Socket target) {
    try (client;
        target) {
      InputStream in = new BufferedInputStream(client.getInputStream());
      OutputStream out = target.getOutputStream();
      while (true) {
        String requestLine = line(in);
        if (requestLine == null) {
          return;
        }
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        head.write((requestLine + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        long body = 0;
        String header;
        while ((header = line(in)) != null && !header.isEmpty()) {
          head.write((header + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
          String lower = header.toLowerCase(Locale.ROOT);
          if (lower.startsWith("content-length:")) {
            body = Long.parseLong(header.substring(header.indexOf(':') + 1).trim());
          } else if (lower.startsWith("transfer-encoding:")) {
            throw new IOException("chunked requests are not supported: " + requestLine);
          }
        }
        head.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        String[] parts = requestLine.split(" ");
        requests.add(parts[0] + " " + (parts.length > 1 ? parts[1] : ""));
        out.write(head.toByteArray());
        byte[] buffer = new byte[16 * 1024];
        while (body > 0) {
          int n = in.read(buffer, 0, (int) Math.min(buffer.length, body));
          if (n < 0) {
            return;
          }
          out.write(buffer, 0, n);
          body -= n;
        }
        out.flush();
      }
    } catch (IOException e) {
      // the connection ended
    }
  }

  private static void copy(Socket from, Socket to) {
    try {
      from.getInputStream().transferTo(to.getOutputStream());
    } catch (IOException e) {
      // the connection ended
    } finally {
      try {
        to.close();
        from.close();
      } catch (IOException e) {
        // already closed
      }
    }
  }

  /** One CRLF-terminated line, without the CRLF; null at the end of the stream. */
  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      if (b == '\n') {
        byte[] bytes = line.toByteArray();
        int end =
            bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
      }
      line.write(b);
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
  }
}
