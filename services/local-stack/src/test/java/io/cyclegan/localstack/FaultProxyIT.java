package io.cyclegan.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FaultProxyIT {

  private static final int SHORT_TIMEOUT_MS = 500;

  private EchoServer echo;
  private FaultProxy proxy;

  @BeforeEach
  void startEchoBehindProxy() throws IOException {
    echo = new EchoServer();
    proxy = FaultProxy.to(Ports.LOOPBACK, echo.port()).start();
  }

  @AfterEach
  void stop() throws IOException {
    proxy.close();
    echo.close();
  }

  @Test
  void shouldForwardBothWaysAndCountConnectionsWhenPassing() throws IOException {
    try (Socket socket = connect(proxy.port())) {
      assertThat(roundTrip(socket, "hello")).isEqualTo("hello");
    }

    assertThat(proxy.acceptedConnections()).isEqualTo(1);
    assertThat(echo.accepted()).isEqualTo(1);
    assertThat(proxy.address()).isEqualTo("127.0.0.1:" + proxy.port());
  }

  @Test
  void shouldRefuseNewConnectionsAndCutOpenOnesWhenRefusing() throws IOException {
    try (Socket open = connect(proxy.port())) {
      assertThat(roundTrip(open, "before")).isEqualTo("before");

      proxy.refuse();

      assertThat(readAfterCut(open)).isEqualTo(-1);
      // The listener's close can reach the kernel a moment after refuse() returns on a busy
      // machine (a thread blocked in accept is signalled); wait for it, never forward.
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThatThrownBy(() -> connect(proxy.port()).close())
                      .isInstanceOf(ConnectException.class)
                      .hasMessageContaining("refused"));
      assertThatThrownBy(() -> connect(proxy.port()).close())
          .isInstanceOf(ConnectException.class)
          .hasMessageContaining("refused");
    }
  }

  @Test
  void shouldForwardOnSamePortWhenPassingAfterRefusal() throws IOException {
    int port = proxy.port();
    proxy.refuse();

    proxy.pass();

    assertThat(proxy.port()).isEqualTo(port);
    try (Socket socket = connect(port)) {
      assertThat(roundTrip(socket, "again")).isEqualTo("again");
    }
  }

  @Test
  void shouldTimeOutNotRefuseNewConnectionsWhenBlackholed() throws IOException {
    proxy.blackhole();

    try (Socket socket = connect(proxy.port())) {
      socket.setSoTimeout(SHORT_TIMEOUT_MS);
      write(socket, "lost");

      assertThatThrownBy(() -> socket.getInputStream().read())
          .isInstanceOf(SocketTimeoutException.class);
    }
    assertThat(proxy.acceptedConnections()).isEqualTo(1);
    assertThat(echo.accepted()).isZero();
  }

  @Test
  void shouldHoldOpenConnectionsWhenBlackholedAndDeliverWhenPassingAgain() throws IOException {
    try (Socket socket = connect(proxy.port())) {
      assertThat(roundTrip(socket, "first")).isEqualTo("first");
      proxy.blackhole();
      socket.setSoTimeout(SHORT_TIMEOUT_MS);
      write(socket, "held");

      assertThatThrownBy(() -> socket.getInputStream().read())
          .isInstanceOf(SocketTimeoutException.class);

      proxy.pass();
      socket.setSoTimeout(10_000);
      assertThat(read(socket, "held".length())).isEqualTo("held");
    }
  }

  @Test
  void shouldDelayEachDirectionWhenLatencyAdded() throws IOException {
    Duration delay = Duration.ofMillis(200);
    try (Socket socket = connect(proxy.port())) {
      assertThat(roundTrip(socket, "warm")).isEqualTo("warm");
      proxy.latency(delay);

      long started = System.nanoTime();
      assertThat(roundTrip(socket, "slow")).isEqualTo("slow");
      Duration roundTrip = Duration.ofNanos(System.nanoTime() - started);

      // Once there, once back: two delays. No upper bound: a loaded machine may be slower still.
      assertThat(roundTrip).isGreaterThanOrEqualTo(delay.multipliedBy(2));
    }
  }

  @Test
  void shouldRefuseModeChangesWhenClosed() throws IOException {
    try (Socket before = connect(proxy.port())) {
      proxy.close();

      assertThatThrownBy(proxy::pass)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("closed");
      // Its connections are cut. (Not "the port refuses": with the suites running side by side,
      // another test may take the freed port at once.)
      assertThat(readAfterCut(before)).isEqualTo(-1);
    }
  }

  @Test
  void shouldCloseClientWhenTargetIsDown() throws IOException {
    echo.close();

    try (Socket socket = connect(proxy.port())) {
      assertThat(readAfterCut(socket)).isEqualTo(-1);
    }
  }

  private static Socket connect(int port) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress(Ports.loopback(), port), 5_000);
    socket.setSoTimeout(10_000);
    return socket;
  }

  private static String roundTrip(Socket socket, String text) throws IOException {
    write(socket, text);
    return read(socket, text.length());
  }

  private static void write(Socket socket, String text) throws IOException {
    socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
  }

  private static String read(Socket socket, int length) throws IOException {
    return new String(socket.getInputStream().readNBytes(length), StandardCharsets.US_ASCII);
  }

  /** -1 once the proxy closed the connection, whether it shows as an end of stream or a reset. */
  private static int readAfterCut(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    try {
      return in.read();
    } catch (SocketException e) {
      return -1;
    }
  }
}
