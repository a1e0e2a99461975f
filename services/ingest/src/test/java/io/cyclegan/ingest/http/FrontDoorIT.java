package io.cyclegan.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.cyclegan.common.image.TestImages;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.ingest.IngestService;
import io.cyclegan.ingest.StackFixtures;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.LocalStackExtension;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Clients that try to wear the front door down: one that sends its body a byte a second, a crowd
 * larger than the queue, a body that never ends. One worker, no queue, a 3 s read timeout.
 */
@ExtendWith(LocalStackExtension.class)
class FrontDoorIT {
  private static final int READ_TIMEOUT_SECONDS = 3;
  private static final int MAX_UPLOAD_BYTES = 256 * 1024;

  private static IngestService service;
  private static ObjectStore store;

  @BeforeAll
  static void start(LocalStack stack) {
    String topic = "it.frontdoor.images." + id();
    StackFixtures.createTopics(stack, topic, 1);
    service =
        new IngestService(
                StackFixtures.config(
                    stack,
                    "CYCLEGAN_TOPIC_IMAGES_IN",
                    topic,
                    "CYCLEGAN_GROUP_ID",
                    "ingest-frontdoor-it-" + id(),
                    "CYCLEGAN_MAX_IMAGE_BYTES",
                    Integer.toString(64 * 1024),
                    "CYCLEGAN_MAX_UPLOAD_BYTES",
                    Integer.toString(MAX_UPLOAD_BYTES),
                    "CYCLEGAN_HTTP_WORKERS",
                    "1",
                    "CYCLEGAN_HTTP_QUEUE",
                    "0",
                    "CYCLEGAN_HTTP_READ_TIMEOUT_SECONDS",
                    Integer.toString(READ_TIMEOUT_SECONDS)),
                IngestService.LOOPBACK)
            .start();
    store = StackFixtures.store(stack);
  }

  @AfterAll
  static void stop() {
    if (service != null) {
      service.close();
    }
  }

  @BeforeEach
  void workerIsFree() {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> StackFixtures.get(service.httpPort(), "/models").statusCode() == 200);
  }

  @Test
  void shouldCloseTheConnectionWithinTheReadTimeoutWhenTheBodyTrickles() throws Exception {
    String dataset = "slow-" + id();
    try (Socket socket = upload(dataset, 1000)) {
      long start = System.nanoTime();
      boolean closed = trickleUntilClosed(socket, Duration.ofSeconds(READ_TIMEOUT_SECONDS + 5));
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertThat(closed).as("connection closed by the server").isTrue();
      assertThat(took).isLessThan(Duration.ofSeconds(READ_TIMEOUT_SECONDS + 3));
    }
    assertThat(store.list("datasets/" + dataset + "/")).isEmpty();
    String metrics = StackFixtures.get(service.metricsPort(), "/metrics").body();
    assertThat(
            StackFixtures.sample(
                metrics,
                "cyclegan_http_requests_total{route=\"/datasets/{dataset}/{domain}\","
                    + "service=\"ingest\",status=\"408\""))
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  void shouldAnswer429WithRetryAfterWhenTheQueueIsFull() throws Exception {
    String dataset = "crowd-" + id();
    // The only worker is busy reading a body that trickles in.
    try (Socket busy = upload("busy-" + id(), 1000)) {
      busy.getOutputStream().write('x');
      await()
          .atMost(Duration.ofSeconds(READ_TIMEOUT_SECONDS))
          .untilAsserted(
              () -> {
                String response = send(uploadRequest(dataset, TestImages.png(8, 8, 1)));
                assertThat(response).startsWith("HTTP/1.1 429");
                assertThat(response).containsIgnoringCase("Retry-After: ");
                JsonNode problem =
                    MessageCodec.mapper()
                        .readTree(response.substring(response.indexOf("\r\n\r\n")));
                assertThat(problem.get("reason").asText()).isEqualTo("TOO_MANY_REQUESTS");
              });
    }
    assertThat(store.list("datasets/" + dataset + "/")).isEmpty();
  }

  @Test
  void shouldRefuseWith413BeforeTheEndWhenAChunkedBodyPassesTheLimit() throws Exception {
    String dataset = "endless-" + id();
    AtomicLong sent = new AtomicLong();
    try (Socket socket = new Socket("127.0.0.1", service.httpPort())) {
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /datasets/"
                  + dataset
                  + "/A HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\n"
                  + "Transfer-Encoding: chunked\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      Thread writer =
          new Thread(
              () -> {
                byte[] chunk = new byte[16 * 1024];
                byte[] head = (Integer.toHexString(chunk.length) + "\r\n").getBytes();
                try {
                  // 1 GiB: the server must not wait for the end (it would hold it all).
                  while (sent.get() < (1L << 30)) {
                    out.write(head);
                    out.write(chunk);
                    out.write("\r\n".getBytes());
                    sent.addAndGet(chunk.length);
                  }
                } catch (IOException e) {
                  // the server closed the connection after answering
                }
              });
      writer.setDaemon(true);
      writer.start();

      String status = new String(readLine(socket.getInputStream()), StandardCharsets.US_ASCII);

      assertThat(status).startsWith("HTTP/1.1 413");
      assertThat(sent.get()).isLessThan(64L << 20);
    }
    assertThat(store.list("datasets/" + dataset + "/")).isEmpty();
  }

  /** An upload whose headers promise {@code length} bytes, none of them sent yet. */
  private static Socket upload(String dataset, int length) throws IOException {
    Socket socket = new Socket("127.0.0.1", service.httpPort());
    socket
        .getOutputStream()
        .write(
            ("POST /datasets/"
                    + dataset
                    + "/A HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\n"
                    + "Content-Length: "
                    + length
                    + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
    return socket;
  }

  /** Sends a byte a second; true when the server closed the connection before {@code limit}. */
  private static boolean trickleUntilClosed(Socket socket, Duration limit) throws Exception {
    socket.setSoTimeout(1000);
    InputStream in = socket.getInputStream();
    long end = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < end) {
      try {
        socket.getOutputStream().write('x');
        socket.getOutputStream().flush();
      } catch (IOException e) {
        return true;
      }
      try {
        int b = in.read();
        // EOF, or an answer (a 408) followed by the close.
        return b < 0 || in.readAllBytes() != null;
      } catch (SocketTimeoutException e) {
        // still open: the next byte
      } catch (IOException e) {
        return true;
      }
    }
    return false;
  }

  private static byte[] uploadRequest(String dataset, byte[] png) {
    byte[] head =
        ("POST /datasets/"
                + dataset
                + "/A HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\n"
                + "Content-Length: "
                + png.length
                + "\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[head.length + png.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(png, 0, all, head.length, png.length);
    return all;
  }

  private static String send(byte[] request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", service.httpPort())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request);
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static byte[] readLine(InputStream in) throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0 && b != '\n') {
      out.write(b);
    }
    return out.toByteArray();
  }

  private static String id() {
    return UUID.randomUUID().toString().substring(0, 8);
  }
}
