package io.cyclegan.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP proxy on a loopback port that forwards every connection to one target and can be told, at
 * any moment and from any thread, to fail the way servers and networks fail. Fault-injection tests
 * put it between a client and Kafka or S3 ({@link LocalStack.Builder#optFaultProxies(boolean)}) and
 * check that the client treats each fault as transient and recovers once it ends.
 *
 * <pre>{@code
 * try (FaultProxy proxy = FaultProxy.to("127.0.0.1", 9000).start()) {
 *   proxy.refuse();     // connects get ECONNREFUSED, open connections are cut
 *   proxy.pass();       // same port, forwarding again
 * }
 * }</pre>
 *
 * <ul>
 *   <li>{@link #pass()}: forward bytes both ways as they come.
 *   <li>{@link #refuse()}: what clients see when the server's process is gone: the listening socket
 *       is closed, so a connect fails at once with "connection refused", and every open connection
 *       is closed. {@link #pass()} listens on the same port again.
 *   <li>{@link #blackhole()}: what clients see in a network partition: timeouts, never a refusal. A
 *       new connection is still accepted (the kernel completes the handshake before any code runs),
 *       but its bytes are read and dropped and it never reaches the target, not even after the
 *       partition ends, like a connection attempt lost in it. Open connections stop forwarding and
 *       hold what they have read; after {@link #pass()} it flows again in order, the way TCP
 *       retransmission delivers it once a partition heals.
 *   <li>{@link #latency(Duration)}: every chunk read waits that long before it is written on, in
 *       each direction.
 * </ul>
 *
 * <p>Each connection gets two platform daemon threads, one per direction; a test opens few
 * connections and a thread blocked in a read is the simplest way to hold a partitioned stream. When
 * the target cannot be reached, an accepted connection is closed, as through any proxy.
 */
public final class FaultProxy implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(FaultProxy.class);
  private static final int CHUNK_BYTES = 16 * 1024;
  private static final int CONNECT_TIMEOUT_MS = 5_000;

  private enum Kind {
    PASS,
    REFUSE,
    BLACKHOLE,
    LATENCY
  }

  private record Mode(Kind kind, Duration delay) {

    static final Mode PASS = new Mode(Kind.PASS, Duration.ZERO);

    @Override
    public String toString() {
      return kind == Kind.LATENCY ? "latency " + delay : kind.name().toLowerCase(Locale.ROOT);
    }
  }

  private final String targetHost;
  private final int targetPort;
  private final int port;
  private final Set<Link> links = ConcurrentHashMap.newKeySet();
  private final AtomicLong accepted = new AtomicLong();

  // Guards mode, listener and closed; links waiting out a blackhole or a delay wait on it.
  private final Object lock = new Object();
  private Mode mode = Mode.PASS;
  private ServerSocket listener;
  private Thread acceptor;
  private boolean closed;

  private FaultProxy(String targetHost, int targetPort, ServerSocket listener) {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.port = listener.getLocalPort();
    synchronized (lock) {
      acceptOn(listener);
    }
  }

  /** A proxy to {@code host:port}; {@link Builder#start()} starts it. */
  public static Builder to(String host, int port) {
    return new Builder(host, port);
  }

  /** Forwards again; after {@link #refuse()}, listens on the same port again first. */
  public void pass() {
    switchTo(Mode.PASS);
  }

  /** Closes the listening socket and every open connection. */
  public void refuse() {
    Thread closing;
    synchronized (lock) {
      requireOpen();
      mode = new Mode(Kind.REFUSE, Duration.ZERO);
      closing = closeListener();
      lock.notifyAll();
    }
    awaitReleased(closing);
    cutAll();
  }

  /** Accepts connections but forwards and answers nothing; see the class comment. */
  public void blackhole() {
    switchTo(new Mode(Kind.BLACKHOLE, Duration.ZERO));
  }

  /** Forwards every chunk, in each direction, {@code delay} after it was read. */
  public void latency(Duration delay) {
    Objects.requireNonNull(delay, "delay");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("latency must not be negative, was " + delay);
    }
    switchTo(new Mode(Kind.LATENCY, delay));
  }

  /** The loopback port clients connect to; the same in every mode. */
  public int port() {
    return port;
  }

  /** {@code 127.0.0.1:<port>}, for a Kafka bootstrap list or a URL. */
  public String address() {
    return Ports.LOOPBACK + ":" + port;
  }

  /** Connections accepted since start, blackholed ones included. */
  public long acceptedConnections() {
    return accepted.get();
  }

  /** Stops listening and closes every connection; later mode changes fail. */
  @Override
  public void close() {
    Thread closing;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      closing = closeListener();
      lock.notifyAll();
    }
    awaitReleased(closing);
    cutAll();
  }

  @Override
  public String toString() {
    Mode current;
    synchronized (lock) {
      current = closed ? null : mode;
    }
    return "FaultProxy["
        + address()
        + " -> "
        + targetHost
        + ":"
        + targetPort
        + ", "
        + (current == null ? "closed" : current)
        + ", accepted="
        + accepted.get()
        + "]";
  }

  private void switchTo(Mode next) {
    synchronized (lock) {
      requireOpen();
      if (listener == null) {
        acceptOn(bind(port));
      }
      mode = next;
      lock.notifyAll();
    }
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("fault proxy on " + address() + " is closed");
    }
  }

  /** Called with the lock held. */
  private void acceptOn(ServerSocket socket) {
    listener = socket;
    acceptor = daemon("fault-proxy-" + port + "-accept", () -> acceptLoop(socket));
    acceptor.start();
  }

  /**
   * Called with the lock held; returns the thread that accepted on the closed listener (null if
   * none), for {@link #awaitReleased} once the lock is released.
   */
  private Thread closeListener() {
    Thread accepting = acceptor;
    if (listener != null) {
      closeQuietly(listener);
      listener = null;
    }
    acceptor = null;
    return accepting;
  }

  /**
   * Waits, without the lock, for the accept thread to leave the closed listener: the kernel keeps
   * the port bound while a thread is still inside accept() on it, so a {@link #pass()} right after
   * {@link #refuse()} could otherwise find its own port "already in use".
   */
  private static void awaitReleased(Thread accepting) {
    if (accepting == null || accepting == Thread.currentThread()) {
      return;
    }
    try {
      accepting.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void acceptLoop(ServerSocket socket) {
    while (true) {
      Socket client;
      try {
        client = socket.accept();
      } catch (IOException e) {
        if (socket.isClosed()) {
          return; // refuse() or close(): the expected way out
        }
        LOG.warn("fault proxy on {} could not accept a connection", address(), e);
        continue;
      }
      Link link = new Link(client);
      Kind kind;
      synchronized (lock) {
        if (socket != listener) {
          // refuse() or close() ran between accept and here; this client must not get through.
          closeQuietly(client);
          return;
        }
        kind = mode.kind();
        links.add(link);
        accepted.incrementAndGet();
      }
      String name = "fault-proxy-" + port + "-" + client.getPort();
      if (kind == Kind.BLACKHOLE) {
        daemon(name + "-drop", link::drop).start();
      } else {
        daemon(name + "-up", () -> link.forward(name + "-down")).start();
      }
    }
  }

  private void cutAll() {
    for (Link link : List.copyOf(links)) {
      link.close();
    }
  }

  /**
   * Waits while the proxy is blackholed and returns the delay to add before forwarding, or null
   * when the link has to end (cut, refused or proxy closed).
   */
  private Duration awaitFlowing(Link link) throws InterruptedException {
    synchronized (lock) {
      while (mode.kind() == Kind.BLACKHOLE && !link.isClosed() && !closed) {
        lock.wait();
      }
      if (link.isClosed() || closed || mode.kind() == Kind.REFUSE) {
        return null;
      }
      return mode.delay();
    }
  }

  /** Waits {@code delay} unless the link ends first; true when it is still open. */
  private boolean hold(Link link, Duration delay) throws InterruptedException {
    long deadline = System.nanoTime() + delay.toNanos();
    synchronized (lock) {
      long remaining = deadline - System.nanoTime();
      while (remaining > 0 && !link.isClosed() && !closed) {
        TimeUnit.NANOSECONDS.timedWait(lock, remaining);
        remaining = deadline - System.nanoTime();
      }
      return !link.isClosed() && !closed;
    }
  }

  private void wake() {
    synchronized (lock) {
      lock.notifyAll();
    }
  }

  /**
   * A free port below Linux's ephemeral range (32768-60999). While the proxy refuses, its port is
   * not listened on; an ephemeral port could meanwhile be handed to another socket (any port-0
   * server or outgoing connection of a test running beside it) and {@link #pass()} could not take
   * it back. Ports below the range are only ever taken by an explicit bind.
   */
  private static ServerSocket bindOutsideEphemeralRange() {
    java.util.concurrent.ThreadLocalRandom random =
        java.util.concurrent.ThreadLocalRandom.current();
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = random.nextInt(20_000, 32_000);
      try {
        return bind(port);
      } catch (UncheckedIOException e) {
        // taken: try another
      }
    }
    return bind(LocalStack.ANY_PORT);
  }

  private static ServerSocket bind(int port) {
    ServerSocket socket = null;
    try {
      socket = new ServerSocket();
      // The port must be bindable again right after refuse(), while connections it cut are still
      // in TIME_WAIT.
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(Ports.loopback(), port));
      return socket;
    } catch (IOException e) {
      if (socket != null) {
        closeQuietly(socket);
      }
      throw new UncheckedIOException(
          "fault proxy cannot listen on " + Ports.LOOPBACK + ":" + port + ": " + e.getMessage(), e);
    }
  }

  private static Thread daemon(String name, Runnable body) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    return thread;
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      // Closing is how a link ends; a failure to close a socket leaves nothing to act on.
      LOG.debug("closing {} failed", closeable, e);
    }
  }

  /** One client connection and, once forwarding, its connection to the target. */
  private final class Link {

    private final Socket client;
    private final AtomicInteger directionsDone = new AtomicInteger();
    private Socket upstream; // guarded by this
    private volatile boolean linkClosed;

    Link(Socket client) {
      this.client = client;
    }

    boolean isClosed() {
      return linkClosed;
    }

    /** Connects to the target, then pumps client to target here and target to client elsewhere. */
    void forward(String downThreadName) {
      Socket target = new Socket();
      try {
        target.setTcpNoDelay(true);
        client.setTcpNoDelay(true);
        target.connect(new InetSocketAddress(targetHost, targetPort), CONNECT_TIMEOUT_MS);
      } catch (IOException e) {
        LOG.debug("fault proxy on {} cannot reach {}:{}", address(), targetHost, targetPort, e);
        closeQuietly(target);
        close();
        return;
      }
      if (!attach(target)) {
        closeQuietly(target);
        return;
      }
      daemon(downThreadName, () -> pump(target, client)).start();
      pump(client, target);
    }

    /** Reads and drops what a client connected during a blackhole sends, until it goes. */
    void drop() {
      byte[] buffer = new byte[CHUNK_BYTES];
      try {
        InputStream in = client.getInputStream();
        while (in.read(buffer) >= 0) {
          // dropped
        }
      } catch (IOException e) {
        ended(e);
      } finally {
        close();
      }
    }

    private void pump(Socket from, Socket to) {
      byte[] buffer = new byte[CHUNK_BYTES];
      try {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        int read;
        while ((read = in.read(buffer)) >= 0) {
          if (!mayForward()) {
            close();
            return;
          }
          out.write(buffer, 0, read);
        }
        // Pass a half-close on, so a peer that shuts its output down still reads the answer.
        to.shutdownOutput();
        if (directionsDone.incrementAndGet() == 2) {
          close();
        }
      } catch (IOException e) {
        ended(e);
        close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        close();
      }
    }

    /** Waits out a blackhole and a delay; false when the link has to end instead. */
    private boolean mayForward() throws InterruptedException {
      Duration delay = awaitFlowing(this);
      if (delay == null || (!delay.isZero() && !hold(this, delay))) {
        return false;
      }
      // A blackhole that began during the delay holds this chunk too.
      return delay.isZero() || awaitFlowing(this) != null;
    }

    private synchronized boolean attach(Socket target) {
      if (linkClosed) {
        return false;
      }
      upstream = target;
      return true;
    }

    void close() {
      synchronized (this) {
        if (linkClosed) {
          return;
        }
        linkClosed = true;
        closeQuietly(client);
        if (upstream != null) {
          closeQuietly(upstream);
        }
      }
      links.remove(this);
      wake(); // a direction waiting out a blackhole or a delay must see the end
    }

    /** A reset or a socket we closed ourselves: the normal end of a proxied connection. */
    private void ended(IOException e) {
      if (!linkClosed) {
        LOG.debug("fault proxy connection from port {} ended", client.getPort(), e);
      }
    }
  }

  /** Where to forward and where to listen. */
  public static final class Builder {

    private final String targetHost;
    private final int targetPort;
    private int listenPort = LocalStack.ANY_PORT;

    private Builder(String targetHost, int targetPort) {
      Objects.requireNonNull(targetHost, "targetHost");
      if (targetHost.isBlank()) {
        throw new IllegalArgumentException("target host must not be blank");
      }
      if (targetPort < 1 || targetPort > 65535) {
        throw new IllegalArgumentException(
            "target port must be between 1 and 65535, was " + targetPort);
      }
      this.targetHost = targetHost;
      this.targetPort = targetPort;
    }

    /** The loopback port to listen on; default {@link LocalStack#ANY_PORT}, a free one. */
    public Builder optListenPort(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException(
            "listen port must be between 0 (any free port) and 65535, was " + port);
      }
      this.listenPort = port;
      return this;
    }

    /** Binds the port and starts forwarding ({@link #pass()} mode). */
    public FaultProxy start() {
      return new FaultProxy(
          targetHost,
          targetPort,
          listenPort == LocalStack.ANY_PORT ? bindOutsideEphemeralRange() : bind(listenPort));
    }
  }
}
