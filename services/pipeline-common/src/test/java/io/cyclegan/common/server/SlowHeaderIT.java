package io.cyclegan.common.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.cyclegan.localstack.ServiceProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A client that trickles its request headers is cut off by {@code sun.net.httpserver.maxReqTime}.
 * The child JVM is given 2 s (the operator's override) so the test does not wait the default 120 s;
 * that the default is 120 is checked in {@link HttpServersTest}.
 */
class SlowHeaderIT {
  private static final Pattern PORT =
      Pattern.compile(Pattern.quote(HttpServersProbeMain.PORT_PREFIX) + "(\\d+)\\.");

  @Test
  void shouldDisconnectAClientThatSendsItsHeadersOneBytePerHalfSecond() throws Exception {
    try (ServiceProcess server =
        ServiceProcess.builder()
            .setMainClass(HttpServersProbeMain.class.getName())
            .optJvmOptions(List.of("-Xmx64m"))
            .optSystemProperties(Map.of(HttpServers.MAX_REQUEST_TIME_PROPERTY, "2"))
            .build()
            .start()) {
      server.awaitLog(HttpServersProbeMain.PORT_PREFIX, Duration.ofSeconds(60));
      Matcher port = PORT.matcher(server.logTail(50));
      assertThat(port.find()).as(server.logTail(50)).isTrue();
      assertThat(server.logTail(50)).contains(HttpServers.MAX_REQUEST_TIME_PROPERTY + "=2");

      long started = System.nanoTime();
      CompletableFuture<String> client =
          CompletableFuture.supplyAsync(() -> trickle(Integer.parseInt(port.group(1))));

      Awaitility.await().atMost(Duration.ofSeconds(15)).until(client::isDone);
      assertThat(client.get()).startsWith("disconnected");
      // Cut by the timer, not refused at once: more than one byte went out.
      assertThat(Duration.ofNanos(System.nanoTime() - started))
          .isGreaterThan(Duration.ofSeconds(1));
    }
  }

  /**
   * Sends a request line and then a header that never ends, one byte per 500 ms (the read timeout
   * is the pace), until the server closes the connection or 60 bytes (30 s) have gone out.
   */
  private static String trickle(int port) {
    byte[] request =
        ("GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + "a".repeat(200))
            .getBytes(StandardCharsets.US_ASCII);
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(500);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      for (int i = 0; i < 60; i++) {
        try {
          out.write(request[i]);
          out.flush();
        } catch (IOException e) {
          return "disconnected: write failed after " + i + " bytes: " + e;
        }
        try {
          int read = in.read();
          if (read == -1) {
            return "disconnected: end of stream after " + (i + 1) + " bytes";
          }
          return "answered before the headers ended: " + read;
        } catch (SocketTimeoutException e) {
          // nothing yet: send the next byte
        } catch (IOException e) {
          return "disconnected: read failed after " + (i + 1) + " bytes: " + e;
        }
      }
      return "still connected after 60 bytes";
    } catch (IOException e) {
      return "could not connect: " + e;
    }
  }
}
