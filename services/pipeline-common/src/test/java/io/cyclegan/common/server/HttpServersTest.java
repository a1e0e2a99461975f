package io.cyclegan.common.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class HttpServersTest {

  @Test
  void shouldTurnOnTheJdkNoDelaySwitchBeforeMakingTheServer() throws Exception {
    HttpServer server =
        HttpServers.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    try {
      assertThat(System.getProperty(HttpServers.NODELAY_PROPERTY)).isEqualTo("true");
      assertThat(server.getAddress().getPort()).isPositive();
    } finally {
      server.stop(0);
    }
  }
}
