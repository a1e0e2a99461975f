package io.cyclegan.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class PortsTest {

  @Test
  void shouldNameThePortWhenItIsTaken() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(Ports.loopback(), 0));
      int port = taken.getLocalPort();

      assertThatThrownBy(() -> Ports.requireFree("Kafka", port, "; choose another with --x"))
          .isInstanceOf(PortInUseException.class)
          .hasMessage(
              "Kafka port " + port + " on 127.0.0.1 is already in use; choose another with --x")
          .satisfies(e -> assertThat(((PortInUseException) e).port()).isEqualTo(port));
    }
  }

  @Test
  void shouldAcceptPortWhenNothingListens() {
    int port = Ports.pickFree();

    assertThatCode(() -> Ports.requireFree("S3", port, "")).doesNotThrowAnyException();
  }
}
