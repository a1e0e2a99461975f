package io.cyclegan.common.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ProtocolException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The store's HTTP/1.1 exchange on the caller's thread, against a server scripted over a real
 * socket: each accepted connection serves the scripted answers in order, one per request it reads.
 */
class PlainHttpTest {
  /** What the server does with one request on a connection. */
  private interface Answer {
    /** False: the connection is closed after this answer. */
    boolean answer(String requestHead, byte[] requestBody, OutputStream out) throws IOException;
  }

  private ServerSocket server;
  private final BlockingQueue<Answer> answers = new LinkedBlockingQueue<>();
  private final AtomicInteger connections = new AtomicInteger();
  private final List<String> heads = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final CountDownLatch requestRead = new CountDownLatch(1);
  private Thread acceptor;
  private final List<Socket> sockets = new java.util.concurrent.CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    acceptor =
        new Thread(
            () -> {
              while (!server.isClosed()) {
                try {
                  Socket s = server.accept();
                  sockets.add(s);
                  connections.incrementAndGet();
                  Thread t = new Thread(() -> serve(s), "plain-http-test-conn");
                  t.setDaemon(true);
                  t.start();
                } catch (IOException e) {
                  return;
                }
              }
            },
            "plain-http-test-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
    for (Socket s : sockets) {
      s.close();
    }
  }

  private void serve(Socket s) {
    try (s) {
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      while (true) {
        String head = readHead(in);
        if (head == null) {
          return;
        }
        heads.add(head);
        byte[] body = new byte[contentLength(head)];
        int n = in.readNBytes(body, 0, body.length);
        if (n < body.length) {
          return;
        }
        requestRead.countDown();
        Answer a = answers.take();
        boolean keep = a.answer(head, body, out);
        out.flush();
        if (!keep) {
          return;
        }
      }
    } catch (IOException | InterruptedException e) {
      // the test closed the connection or the server
    }
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    for (int b; (b = in.read()) >= 0; ) {
      head.write(b);
      matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
      if (matched == 4) {
        return head.toString(StandardCharsets.ISO_8859_1);
      }
    }
    return null;
  }

  private static int contentLength(String head) {
    for (String line : head.split("\r\n")) {
      if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
        return Integer.parseInt(line.substring(15).trim());
      }
    }
    return 0;
  }

  private static Answer raw(String text, boolean keep) {
    return (head, body, out) -> {
      out.write(text.getBytes(StandardCharsets.ISO_8859_1));
      return keep;
    };
  }

  private static Answer ok(byte[] body) {
    return (head, b, out) -> {
      out.write(
          ("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      out.write(body);
      return true;
    };
  }

  private PlainHttp http(Duration timeout) {
    return new PlainHttp("127.0.0.1", server.getLocalPort(), Duration.ofSeconds(3), timeout);
  }

  private Request get(String path) {
    return new Request.Builder().url(url(path)).get().build();
  }

  private Request put(String path, byte[] body) {
    return new Request.Builder().url(url(path)).put(RequestBody.create(body)).build();
  }

  private HttpUrl url(String path) {
    return HttpUrl.get("http://127.0.0.1:" + server.getLocalPort() + path);
  }

  private static byte[] bytes(int n, int seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void getsAndPutsOverOneKeptAliveConnection() throws IOException {
    PlainHttp http = http(Duration.ofSeconds(5));
    byte[] object = bytes(200_000, 1);
    answers.add(ok(object));
    answers.add(
        (head, body, out) -> {
          out.write(
              ("HTTP/1.1 200 OK\r\nETag: \"" + body.length + "\"\r\nContent-Length: 0\r\n\r\n")
                  .getBytes(StandardCharsets.ISO_8859_1));
          return true;
        });
    answers.add(ok(object));

    try (Response r = http.exchange(get("/b/in"), null, -1)) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.body().bytes()).isEqualTo(object);
    }
    byte[] upload = bytes(150_000, 2);
    try (Response r = http.exchange(put("/b/out", upload), upload, 120_000)) {
      assertThat(r.header("ETag")).isEqualTo("\"120000\""); // only the first length bytes went
    }
    try (Response r = http.exchange(get("/b/in"), null, -1)) {
      assertThat(r.body().bytes()).isEqualTo(object);
    }

    assertThat(connections.get()).isOne();
    assertThat(heads.get(0)).startsWith("GET /b/in HTTP/1.1\r\n").contains("Host: 127.0.0.1:");
    assertThat(heads.get(1))
        .startsWith("PUT /b/out HTTP/1.1\r\n")
        .contains("Content-Length: 120000");
    assertThat(heads.get(2)).startsWith("GET /b/in HTTP/1.1\r\n"); // nothing past the length sent
    assertThat(http.idleConnections()).isOne();
  }

  @Test
  void readsChunkedBodiesAndBodiesEndedByTheConnection() throws IOException {
    PlainHttp http = http(Duration.ofSeconds(5));
    answers.add(
        raw(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;ext=1\r\nhello\r\n1\r\n \r\nA\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n",
            true));
    answers.add(raw("HTTP/1.1 200 OK\r\n\r\nuntil the end", false));

    try (Response r = http.exchange(get("/b/c"), null, -1)) {
      assertThat(r.body().string()).isEqualTo("hello 0123456789");
    }
    assertThat(http.idleConnections()).isOne(); // the chunked body ended; the connection is kept
    try (Response r = http.exchange(get("/b/d"), null, -1)) {
      assertThat(r.body().string()).isEqualTo("until the end");
    }
    assertThat(http.idleConnections()).isZero(); // ended by the connection: nothing to keep
    assertThat(connections.get()).isOne();
  }

  @Test
  void aConnectionTheServerClosedIsReplacedWithoutAnError() throws IOException {
    PlainHttp http = http(Duration.ofSeconds(5));
    // Kept alive by the headers, closed by the server right after: a stale pooled connection.
    answers.add(raw("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", false));
    answers.add(raw("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nyes", true));

    try (Response r = http.exchange(get("/b/a"), null, -1)) {
      assertThat(r.body().string()).isEqualTo("ok");
    }
    try (Response r = http.exchange(get("/b/a"), null, -1)) {
      assertThat(r.body().string()).isEqualTo("yes");
    }
    assertThat(connections.get()).isEqualTo(2);
  }

  @Test
  void aRequestTheServerDroppedOnAKeptConnectionIsSentOnceMoreOnANewOne() throws IOException {
    PlainHttp http = http(Duration.ofSeconds(5));
    answers.add(raw("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", true));
    answers.add((head, body, out) -> false); // reads the next request, closes without an answer
    answers.add(ok(new byte[] {7}));
    byte[] upload = bytes(1000, 4);

    try (Response r = http.exchange(get("/b/a"), null, -1)) {
      assertThat(r.body().string()).isEqualTo("ok");
    }
    try (Response r = http.exchange(put("/b/p", upload), upload, upload.length)) {
      assertThat(r.body().bytes()).containsExactly(7);
    }
    assertThat(connections.get()).isEqualTo(2);
    assertThat(heads).hasSize(3);
    assertThat(heads.get(2)).isEqualTo(heads.get(1)); // the same request, again
  }

  @Test
  void aTimeOutOnAKeptConnectionIsNotWaitedOutTwice() throws IOException {
    PlainHttp http = http(Duration.ofMillis(300));
    answers.add(raw("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", true));
    // nothing scripted for the second request: the server reads it and stays silent

    try (Response r = http.exchange(get("/b/a"), null, -1)) {
      assertThat(r.body().string()).isEqualTo("ok");
    }
    assertThatThrownBy(() -> http.exchange(get("/b/a"), null, -1))
        .isInstanceOf(SocketTimeoutException.class);
    assertThat(connections.get()).isOne();
  }

  @Test
  void aNewConnectionThatFailsIsNotTriedAgain() {
    PlainHttp http = http(Duration.ofSeconds(5));
    answers.add((head, body, out) -> false);

    assertThatThrownBy(() -> http.exchange(get("/b/a"), null, -1)).isInstanceOf(EOFException.class);
    assertThat(connections.get()).isOne();
  }

  @Test
  void connectionCloseAndABodyClosedEarlyAreNotReused() throws IOException {
    PlainHttp http = http(Duration.ofSeconds(5));
    answers.add(raw("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok", true));
    answers.add(ok(bytes(100_000, 3)));
    answers.add(ok(new byte[] {1}));

    try (Response r = http.exchange(get("/b/a"), null, -1)) {
      assertThat(r.body().string()).isEqualTo("ok");
    }
    assertThat(http.idleConnections()).isZero();
    try (Response r = http.exchange(get("/b/big"), null, -1)) {
      assertThat(r.body().byteStream().read()).isGreaterThanOrEqualTo(0); // then closed, unread
    }
    assertThat(http.idleConnections()).isZero();
    try (Response r = http.exchange(get("/b/one"), null, -1)) {
      assertThat(r.body().bytes()).containsExactly(1);
    }
    assertThat(connections.get()).isEqualTo(3);
  }

  @Test
  void errorAnswersCarryTheirStatusHeadersAndBody() throws IOException {
    PlainHttp http = http(Duration.ofSeconds(5));
    String xml = "<Error><Code>NoSuchKey</Code></Error>";
    answers.add(
        raw(
            "HTTP/1.1 404 Not Found\r\nContent-Type: application/xml\r\nContent-Length: "
                + xml.length()
                + "\r\n\r\n"
                + xml,
            true));
    answers.add(
        raw("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 503 \r\nContent-Length: 0\r\n\r\n", true));

    try (Response r = http.exchange(get("/b/missing"), null, -1)) {
      assertThat(r.code()).isEqualTo(404);
      assertThat(r.message()).isEqualTo("Not Found");
      assertThat(r.header("content-type")).isEqualTo("application/xml");
      assertThat(r.body().string()).isEqualTo(xml);
    }
    try (Response r = http.exchange(get("/b/busy"), null, -1)) {
      assertThat(r.code()).isEqualTo(503);
      assertThat(r.body().contentLength()).isZero();
    }
    assertThat(connections.get()).isOne();
  }

  @Test
  void aMalformedOrOversizedAnswerIsAProtocolError() {
    PlainHttp http = http(Duration.ofSeconds(5));
    answers.add(raw("SMTP ready\r\n\r\n", true));
    answers.add(raw("HTTP/1.1 200 OK\r\nContent-Length: -4\r\n\r\n", true));
    answers.add(
        raw(
            "HTTP/1.1 200 OK\r\nX-Big: " + "x".repeat(PlainHttp.MAX_HEAD_BYTES) + "\r\n\r\n",
            true));
    answers.add(raw("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", true));
    answers.add(
        raw(
            "HTTP/1.1 200 OK\r\n" + ("X-Many: " + "y".repeat(1000) + "\r\n").repeat(100) + "\r\n",
            true));
    answers.add(raw("HTTP/1.1 200 OK\r\nX-Endless: " + "z".repeat(200_000), true));

    assertThatThrownBy(() -> http.exchange(get("/b/1"), null, -1))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("status line");
    assertThatThrownBy(() -> http.exchange(get("/b/2"), null, -1))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("Content-Length");
    assertThatThrownBy(() -> http.exchange(get("/b/3"), null, -1))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("over " + PlainHttp.MAX_HEAD_BYTES);
    assertThatThrownBy(
            () -> {
              try (Response r = http.exchange(get("/b/4"), null, -1)) {
                r.body().bytes();
              }
            })
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("chunk size");
    assertThatThrownBy(() -> http.exchange(get("/b/5"), null, -1))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("over " + PlainHttp.MAX_HEAD_BYTES);
    assertThatThrownBy(() -> http.exchange(get("/b/6"), null, -1)) // a line that never ends
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("over " + PlainHttp.MAX_HEAD_BYTES);
  }

  @Test
  void aBodyCutShortIsAnEndOfFile() {
    PlainHttp http = http(Duration.ofSeconds(5));
    answers.add(raw("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", false));

    assertThatThrownBy(
            () -> {
              try (Response r = http.exchange(get("/b/short"), null, -1)) {
                r.body().bytes();
              }
            })
        .isInstanceOf(EOFException.class);
  }

  @Test
  void aSilentServerTimesOutTheRead() {
    PlainHttp http = http(Duration.ofMillis(300)); // no answer is ever scripted

    assertThatThrownBy(() -> http.exchange(get("/b/silent"), null, -1))
        .isInstanceOf(SocketTimeoutException.class)
        .hasMessage("read timed out");
  }

  @Test
  void aServerThatStopsReadingTimesOutTheWrite() throws IOException {
    // Accepts, never reads: the request body fills the socket buffers, then the write waits.
    try (ServerSocket deaf = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      deaf.setReceiveBufferSize(4096);
      PlainHttp http =
          new PlainHttp(
              "127.0.0.1", deaf.getLocalPort(), Duration.ofSeconds(3), Duration.ofMillis(300));
      byte[] big = new byte[64 << 20];
      Request request =
          new Request.Builder()
              .url("http://127.0.0.1:" + deaf.getLocalPort() + "/b/big")
              .put(RequestBody.create(new byte[0]))
              .build();

      assertThatThrownBy(() -> http.exchange(request, big, big.length))
          .isInstanceOf(SocketTimeoutException.class)
          .hasMessage("write timed out");
    }
  }

  @Test
  void anInterruptEndsTheWaitAtOnce() throws Exception {
    PlainHttp http = http(Duration.ofMinutes(10)); // only the interrupt can end this wait
    CompletableFuture<Throwable> thrown = new CompletableFuture<>();
    Thread caller =
        new Thread(
            () -> {
              try {
                http.exchange(get("/b/hang"), null, -1).close();
                thrown.complete(null);
              } catch (Throwable t) {
                thrown.complete(t);
              }
              if (!Thread.currentThread().isInterrupted()) {
                thrown.obtrudeValue(new AssertionError("the interrupt was cleared"));
              }
            });
    caller.start();
    assertThat(requestRead.await(10, TimeUnit.SECONDS)).isTrue();

    caller.interrupt();

    assertThat(thrown.get(10, TimeUnit.SECONDS)).isInstanceOf(InterruptedIOException.class);
    assertThat(http.idleConnections()).isZero();
  }

  @Test
  void aRefusedConnectionIsAConnectException() throws IOException {
    int port;
    try (ServerSocket closed = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      port = closed.getLocalPort();
    }
    PlainHttp http = new PlainHttp("127.0.0.1", port, Duration.ofSeconds(3), Duration.ofSeconds(3));
    Request request = new Request.Builder().url("http://127.0.0.1:" + port + "/b/x").build();

    assertThatThrownBy(() -> http.exchange(request, null, -1)).isInstanceOf(ConnectException.class);
  }

  @Test
  void onlyPlainHttpEndpointsWithoutAProxyAreServed() {
    assertThat(
            PlainHttp.forEndpoint(
                "https://store:9000", Duration.ofSeconds(1), Duration.ofSeconds(1)))
        .isEmpty();
    PlainHttp plain =
        PlainHttp.forEndpoint("http://store:9000", Duration.ofSeconds(1), Duration.ofSeconds(1))
            .orElseThrow();
    assertThat(plain.serves(HttpUrl.get("http://store:9000/b/k"))).isTrue();
    assertThat(plain.serves(HttpUrl.get("http://b.store:9000/k"))).isFalse();
    assertThat(plain.serves(HttpUrl.get("https://store:9000/b/k"))).isFalse();
  }
}
