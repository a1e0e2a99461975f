package io.cyclegan.common.store;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Okio;

/**
 * HTTP/1.1 exchanges with one plain-HTTP endpoint on the caller's thread, for the store's GET and
 * PUT of one object ({@link DirectClient}). Through OkHttp's dispatcher each such request cost a
 * hand-off to another thread and back, the dispatcher's and the connection pool's bookkeeping and
 * Okio's copies: about 0.8 ms of CPU for a GET and two PUTs of a 64 px image, against 0.13 ms here
 * (docs/benchmarks.md, "Seventh session").
 *
 * <p>What the callers relied on stays: a connect timeout; a read and a write timeout for every
 * silence; an interrupt ends any wait at once ({@link InterruptedIOException}, the interrupt still
 * set), because the sockets are non-blocking and every wait is a {@link Selector#select(long)},
 * which an interrupt wakes. Connections are kept alive and reused; a reused connection that the
 * server has closed meanwhile is found before use, or, if the request fails on it before any byte
 * of an answer, the request is sent once more on a new connection (a GET or PUT of a whole object
 * may be repeated). A body is framed by its {@code Content-Length}, by chunks, or by the end of the
 * connection; a body closed before its end closes its connection rather than drain it.
 *
 * <p>Only for {@code http://} endpoints that the JVM's proxy selector reaches directly ({@link
 * #forEndpoint}); HTTPS and proxies stay with OkHttp.
 */
final class PlainHttp {
  /** The longest status line plus headers accepted from a server. */
  static final int MAX_HEAD_BYTES = 64 * 1024;

  private static final int MAX_IDLE = 8;
  private static final long KEEP_ALIVE_NANOS = TimeUnit.SECONDS.toNanos(20);
  private static final int BUFFER = 64 * 1024;
  private static final int WRITE_SLICE = 256 * 1024;

  private final String host;
  private final int port;
  private final long connectMillis;
  private final long timeoutMillis;
  private final Deque<Connection> idle = new ConcurrentLinkedDeque<>();

  PlainHttp(String host, int port, Duration connect, Duration timeout) {
    this.host = host;
    this.port = port;
    this.connectMillis = Math.max(1, connect.toMillis());
    this.timeoutMillis = Math.max(1, timeout.toMillis());
  }

  /**
   * For an {@code http://} endpoint that the JVM reaches without a proxy; empty otherwise (HTTPS, a
   * proxy), where the caller keeps OkHttp.
   */
  static Optional<PlainHttp> forEndpoint(String endpoint, Duration connect, Duration timeout) {
    HttpUrl url = HttpUrl.parse(endpoint);
    if (url == null || !url.scheme().equals("http")) {
      return Optional.empty();
    }
    ProxySelector proxies = ProxySelector.getDefault();
    if (proxies != null) {
      List<Proxy> selected =
          proxies.select(URI.create("http://" + url.host() + ":" + url.port() + "/"));
      if (selected != null && selected.stream().anyMatch(p -> p.type() != Proxy.Type.DIRECT)) {
        return Optional.empty();
      }
    }
    return Optional.of(new PlainHttp(url.host(), url.port(), connect, timeout));
  }

  /** True when {@code url} is this endpoint's. */
  boolean serves(HttpUrl url) {
    return url.scheme().equals("http") && url.host().equals(host) && url.port() == port;
  }

  /**
   * Sends {@code request} (its headers as they are, and {@code length} bytes of {@code body} if
   * there is one) and reads the answer's head. The answer's body streams from the connection; the
   * caller closes the response, which gives the connection back once the body has been read.
   */
  Response exchange(Request request, byte[] body, int length) throws IOException {
    if (Thread.currentThread().isInterrupted()) {
      throw new InterruptedIOException("interrupted");
    }
    byte[] head = head(request, body == null ? -1 : length);
    Connection reused = pooled();
    if (reused != null) {
      try {
        return reused.exchange(request, head, body, length);
      } catch (RuntimeException e) {
        reused.close();
        throw e;
      } catch (IOException e) {
        reused.close();
        if (reused.answered
            || e instanceof InterruptedIOException // a time-out or an interrupt: not a stale socket
            || Thread.currentThread().isInterrupted()) {
          throw e;
        }
        // The server closed the kept-alive connection as the request went out: once more, anew.
      }
    }
    Connection fresh = connect();
    try {
      return fresh.exchange(request, head, body, length);
    } catch (IOException | RuntimeException e) {
      fresh.close();
      throw e;
    }
  }

  /** Closes the idle connections (those in use close as their responses do). */
  void closeIdle() {
    for (Connection c; (c = idle.pollFirst()) != null; ) {
      c.close();
    }
  }

  int idleConnections() {
    return idle.size();
  }

  private byte[] head(Request request, int length) {
    HttpUrl url = request.url();
    StringBuilder head = new StringBuilder(512);
    head.append(request.method()).append(' ').append(url.encodedPath());
    String query = url.encodedQuery();
    if (query != null) {
      head.append('?').append(query);
    }
    head.append(" HTTP/1.1\r\n");
    Headers headers = request.headers();
    for (int i = 0; i < headers.size(); i++) {
      head.append(headers.name(i)).append(": ").append(headers.value(i)).append("\r\n");
    }
    if (headers.get("Host") == null) {
      head.append("Host: ").append(host).append(':').append(port).append("\r\n");
    }
    if (length >= 0 && headers.get("Content-Length") == null) {
      head.append("Content-Length: ").append(length).append("\r\n");
    }
    return head.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
  }

  private Connection pooled() {
    long now = System.nanoTime();
    for (Connection c; (c = idle.pollFirst()) != null; ) {
      if (now - c.idleSince < KEEP_ALIVE_NANOS && c.stillOpen()) {
        return c;
      }
      c.close();
    }
    return null;
  }

  private void release(Connection c) {
    c.idleSince = System.nanoTime();
    idle.offerFirst(c);
    while (idle.size() > MAX_IDLE) {
      Connection oldest = idle.pollLast();
      if (oldest == null) {
        break;
      }
      oldest.close();
    }
  }

  private Connection connect() throws IOException {
    InetAddress[] addresses = InetAddress.getAllByName(host);
    IOException failure = null;
    for (InetAddress address : addresses) {
      try {
        return Connection.open(this, new InetSocketAddress(address, port));
      } catch (ConnectException | SocketTimeoutException e) {
        if (Thread.currentThread().isInterrupted()) {
          throw e;
        }
        failure = e;
      }
    }
    throw failure != null ? failure : new ConnectException("no address for " + host);
  }

  /** One socket: used by one thread at a time, idle in the pool between exchanges. */
  private static final class Connection {
    private final PlainHttp owner;
    private final SocketChannel channel;
    private final Selector selector;
    private final SelectionKey key;
    private final ByteBuffer in = ByteBuffer.allocateDirect(BUFFER).flip();
    private long idleSince;
    private boolean answered;
    private boolean closed;

    private Connection(PlainHttp owner, SocketChannel channel, Selector selector)
        throws IOException {
      this.owner = owner;
      this.channel = channel;
      this.selector = selector;
      this.key = channel.register(selector, 0);
    }

    static Connection open(PlainHttp owner, InetSocketAddress address) throws IOException {
      SocketChannel channel = SocketChannel.open();
      Selector selector = null;
      try {
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        selector = Selector.open();
        Connection c = new Connection(owner, channel, selector);
        if (!channel.connect(address)) {
          c.await(SelectionKey.OP_CONNECT, owner.connectMillis, "connect timed out");
          channel.finishConnect();
        }
        return c;
      } catch (IOException | RuntimeException e) {
        channel.close();
        if (selector != null) {
          selector.close();
        }
        throw e;
      }
    }

    Response exchange(Request request, byte[] head, byte[] body, int length) throws IOException {
      answered = false;
      write(head, body, length);
      int code;
      String message;
      Headers.Builder headers;
      boolean http10;
      do { // an interim answer (100 Continue) precedes the real one
        String status = line();
        answered = true;
        if (!(status.startsWith("HTTP/1.1 ") || status.startsWith("HTTP/1.0 "))
            || status.length() < 12) {
          throw new ProtocolException("unexpected status line: " + printable(status));
        }
        http10 = status.startsWith("HTTP/1.0 ");
        try {
          code = Integer.parseInt(status.substring(9, 12));
        } catch (NumberFormatException e) {
          throw new ProtocolException("unexpected status line: " + printable(status));
        }
        message = status.length() > 13 ? status.substring(13) : "";
        headers = new Headers.Builder();
        int headBytes = status.length();
        for (String line = line(); !line.isEmpty(); line = line()) {
          headBytes += line.length() + 2;
          if (headBytes > MAX_HEAD_BYTES) {
            throw new ProtocolException("response head over " + MAX_HEAD_BYTES + " bytes");
          }
          int colon = line.indexOf(':');
          if (colon <= 0) {
            throw new ProtocolException("unexpected header line: " + printable(line));
          }
          try {
            headers.addUnsafeNonAscii(
                line.substring(0, colon).trim(), line.substring(colon + 1).trim());
          } catch (IllegalArgumentException e) {
            throw new ProtocolException("unexpected header line: " + printable(line));
          }
        }
      } while (code >= 100 && code < 200);
      Headers h = headers.build();
      String connection = h.get("Connection");
      boolean keepAlive =
          http10
              ? "keep-alive".equalsIgnoreCase(connection)
              : !"close".equalsIgnoreCase(connection);
      Body framed = body(request.method(), code, h, keepAlive);
      return new Response.Builder()
          .request(request)
          .protocol(http10 ? Protocol.HTTP_1_0 : Protocol.HTTP_1_1)
          .code(code)
          .message(message)
          .headers(h)
          .body(
              ResponseBody.create(Okio.buffer(Okio.source(framed)), null, framed.declaredLength()))
          .build();
    }

    private Body body(String method, int code, Headers headers, boolean keepAlive)
        throws IOException {
      if (method.equals("HEAD") || code == 204 || code == 304) {
        return new Body(this, 0, false, keepAlive);
      }
      String transfer = headers.get("Transfer-Encoding");
      if (transfer != null && !transfer.equalsIgnoreCase("identity")) {
        if (!transfer.equalsIgnoreCase("chunked")) {
          throw new ProtocolException("unsupported Transfer-Encoding: " + printable(transfer));
        }
        return new Body(this, -1, true, keepAlive);
      }
      String length = headers.get("Content-Length");
      if (length != null) {
        long declared;
        try {
          declared = Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
          declared = -1;
        }
        if (declared < 0) {
          throw new ProtocolException("unexpected Content-Length: " + printable(length));
        }
        return new Body(this, declared, false, keepAlive);
      }
      return new Body(this, -1, false, false); // until the server closes the connection
    }

    /**
     * Writes the head and then the body in slices of at most {@link #WRITE_SLICE} bytes: the JDK
     * copies a heap buffer into a temporary direct one of its size and keeps that for the thread,
     * so a PUT of a large object in one piece would leave that much native memory behind.
     */
    private void write(byte[] head, byte[] body, int length) throws IOException {
      ByteBuffer h = ByteBuffer.wrap(head);
      byte[] b = body == null ? head : body;
      int off = 0;
      int end = body == null ? 0 : length;
      while (true) {
        ByteBuffer slice = ByteBuffer.wrap(b, off, Math.min(WRITE_SLICE, end - off));
        long n =
            h.hasRemaining() ? channel.write(new ByteBuffer[] {h, slice}) : channel.write(slice);
        off = slice.position();
        if (!h.hasRemaining() && off == end) {
          return;
        }
        if (n == 0) {
          await(SelectionKey.OP_WRITE, owner.timeoutMillis, "write timed out");
        }
      }
    }

    /** Reads more into {@link #in}; false at the end of the stream. */
    private boolean fill() throws IOException {
      in.compact();
      try {
        while (true) {
          int n = channel.read(in);
          if (n > 0) {
            return true;
          }
          if (n < 0) {
            return false;
          }
          await(SelectionKey.OP_READ, owner.timeoutMillis, "read timed out");
        }
      } finally {
        in.flip();
      }
    }

    /** One line of the head, without its CR LF (a bare LF is accepted). */
    private String line() throws IOException {
      StringBuilder line = new StringBuilder(64);
      while (true) {
        while (in.hasRemaining()) {
          byte b = in.get();
          if (b == '\n') {
            int end = line.length();
            if (end > 0 && line.charAt(end - 1) == '\r') {
              line.setLength(end - 1);
            }
            return line.toString();
          }
          if (line.length() >= MAX_HEAD_BYTES) {
            throw new ProtocolException("response head over " + MAX_HEAD_BYTES + " bytes");
          }
          line.append((char) (b & 0xff));
        }
        if (!fill()) {
          throw new EOFException("the connection ended before the response's head did");
        }
      }
    }

    /** Waits for {@code op}, at most {@code millis}; an interrupt ends the wait at once. */
    private void await(int op, long millis, String timedOut) throws IOException {
      key.interestOps(op);
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
      try {
        while (true) {
          long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
          if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedIOException("interrupted");
          }
          if (left <= 0) {
            throw new SocketTimeoutException(timedOut);
          }
          if (selector.select(left) > 0) {
            selector.selectedKeys().clear();
            return;
          }
        }
      } finally {
        if (key.isValid()) {
          key.interestOps(0);
        }
      }
    }

    /** An idle connection the server has not closed and sent nothing on. */
    boolean stillOpen() {
      if (in.hasRemaining()) {
        return false;
      }
      try {
        in.clear();
        int n = channel.read(in);
        in.flip();
        return n == 0;
      } catch (IOException e) {
        return false;
      }
    }

    void close() {
      if (closed) {
        return;
      }
      closed = true;
      try {
        selector.close();
      } catch (IOException e) {
        // closing anyway
      }
      try {
        channel.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }

  /**
   * A response body as its framing delimits it. At its end the connection goes back to the pool
   * (when the server keeps it alive); closed before its end, the connection is closed.
   */
  private static final class Body extends InputStream {
    private final Connection connection;
    private final long declared;
    private final boolean chunked;
    private final boolean reusable;
    private final boolean untilClose; // neither a length nor chunks: the end of the connection
    private long left; // of the body, or of the current chunk
    private boolean done;

    Body(Connection connection, long declared, boolean chunked, boolean reusable)
        throws IOException {
      this.connection = connection;
      this.declared = declared;
      this.chunked = chunked;
      this.reusable = reusable;
      this.untilClose = !chunked && declared < 0;
      this.left = chunked ? 0 : declared;
      if (!chunked && declared == 0) {
        finish();
      }
    }

    long declaredLength() {
      return chunked ? -1 : declared;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      java.util.Objects.checkFromIndexSize(off, len, b.length);
      if (done || len == 0) {
        return done ? -1 : 0;
      }
      if (connection.closed) {
        throw new IOException("the response was closed");
      }
      if (chunked && left == 0) {
        left = nextChunk();
        if (left == 0) {
          trailers();
          finish();
          return -1;
        }
      }
      ByteBuffer in = connection.in;
      if (!in.hasRemaining() && !connection.fill()) {
        if (untilClose) {
          finish();
          return -1;
        }
        throw new EOFException("the connection ended before the response's body did");
      }
      int n = Math.min(in.remaining(), len);
      if (untilClose) {
        in.get(b, off, n);
        return n;
      }
      n = (int) Math.min(n, left);
      in.get(b, off, n);
      left -= n;
      if (left == 0) {
        if (chunked) {
          crlf();
        } else {
          finish();
        }
      }
      return n;
    }

    @Override
    public int available() {
      if (done || connection.closed) {
        return 0;
      }
      int buffered = connection.in.remaining();
      return untilClose ? buffered : (int) Math.min(buffered, left);
    }

    /** Closed before its end, the connection is closed rather than drained. */
    @Override
    public void close() {
      if (!done) {
        done = true;
        connection.close();
      }
    }

    private long nextChunk() throws IOException {
      String line = connection.line();
      int semicolon = line.indexOf(';');
      String size = (semicolon >= 0 ? line.substring(0, semicolon) : line).trim();
      try {
        long n = Long.parseLong(size, 16);
        if (n < 0) {
          throw new NumberFormatException(size);
        }
        return n;
      } catch (NumberFormatException e) {
        throw new ProtocolException("unexpected chunk size: " + printable(line));
      }
    }

    private void crlf() throws IOException {
      if (!connection.line().isEmpty()) {
        throw new ProtocolException("a chunk did not end with CR LF");
      }
    }

    private void trailers() throws IOException {
      int bytes = 0;
      for (String line = connection.line(); !line.isEmpty(); line = connection.line()) {
        bytes += line.length() + 2;
        if (bytes > MAX_HEAD_BYTES) {
          throw new ProtocolException("trailers over " + MAX_HEAD_BYTES + " bytes");
        }
      }
    }

    /** The body has ended: its connection goes back to the pool, or is closed. */
    private void finish() {
      done = true;
      if (reusable && !connection.closed && !connection.in.hasRemaining()) {
        connection.owner.release(connection);
      } else {
        connection.close();
      }
    }
  }

  /** A server's text for an error message: printable ASCII, at most 100 characters. */
  static String printable(String s) {
    StringBuilder out = new StringBuilder(Math.min(s.length(), 100));
    for (int i = 0; i < s.length() && out.length() < 100; i++) {
      char c = s.charAt(i);
      out.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return out.toString();
  }
}
