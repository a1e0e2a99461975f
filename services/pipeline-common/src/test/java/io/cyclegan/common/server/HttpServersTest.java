package io.cyclegan.common.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.cyclegan.localstack.ServiceProcess;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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

  @Test
  void shouldLimitTheRequestReadTimeTo120SecondsWhenTheOperatorDidNot() {
    // In a JVM of its own: this one's properties may have been set by another test.
    try (ServiceProcess probe =
        ServiceProcess.builder()
            .setMainClass(HttpServersProbeMain.class.getName())
            .optJvmOptions(List.of("-Xmx64m"))
            .build()
            .start()) {
      probe.awaitLog(HttpServersProbeMain.PORT_PREFIX, Duration.ofSeconds(60));
      assertThat(probe.logTail(50)).contains(HttpServers.MAX_REQUEST_TIME_PROPERTY + "=120");
    }
  }

  @Test
  void shouldKeepTheOperatorsRequestReadTime() {
    try (ServiceProcess probe =
        ServiceProcess.builder()
            .setMainClass(HttpServersProbeMain.class.getName())
            .optJvmOptions(List.of("-Xmx64m"))
            .optSystemProperties(Map.of(HttpServers.MAX_REQUEST_TIME_PROPERTY, "300"))
            .build()
            .start()) {
      probe.awaitLog(HttpServersProbeMain.PORT_PREFIX, Duration.ofSeconds(60));
      assertThat(probe.logTail(50)).contains(HttpServers.MAX_REQUEST_TIME_PROPERTY + "=300");
    }
  }
}
