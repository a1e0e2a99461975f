package io.cyclegan.common.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;

class NoDelaySocketFactoryTest {

  @Test
  void shouldTurnNagleOffOnEverySocketItMakes() throws Exception {
    NoDelaySocketFactory factory = new NoDelaySocketFactory();
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try (ServerSocket server = new ServerSocket(0, 8, loopback);
        Socket unconnected = factory.createSocket();
        Socket byName = factory.createSocket(loopback.getHostAddress(), server.getLocalPort());
        Socket byAddress = factory.createSocket(loopback, server.getLocalPort());
        Socket bound = factory.createSocket(loopback, server.getLocalPort(), loopback, 0)) {
      assertThat(unconnected.getTcpNoDelay()).isTrue();
      assertThat(byName.getTcpNoDelay()).isTrue();
      assertThat(byAddress.getTcpNoDelay()).isTrue();
      assertThat(bound.getTcpNoDelay()).isTrue();
    }
  }

  @Test
  void shouldBeTheSocketFactoryOfTheStoresHttpClient() {
    assertThat(
            ObjectStore.httpClient(
                    ObjectStore.CONNECT_TIMEOUT,
                    ObjectStore.READ_TIMEOUT,
                    java.util.Optional.empty())
                .socketFactory())
        .isInstanceOf(NoDelaySocketFactory.class);
  }
}
