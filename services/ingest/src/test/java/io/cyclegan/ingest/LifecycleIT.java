package io.cyclegan.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.LocalStackExtension;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The lifecycle every service shares: the constructor builds everything or, failing, leaves nothing
 * behind (its ports are free again); {@code start()} may be called twice; {@code close()} may be
 * called twice, and after a failed start; a closed service does not start again.
 */
@ExtendWith(LocalStackExtension.class)
class LifecycleIT {

  @Test
  void shouldDoNothingMoreWhenStartedOrClosedTwice(LocalStack stack) {
    IngestService ingest = new IngestService(StackFixtures.config(stack), IngestService.LOOPBACK);
    int httpPort = ingest.httpPort();
    int metricsPort = ingest.metricsPort();

    assertThat(ingest.start()).isSameAs(ingest);
    assertThat(ingest.start()).isSameAs(ingest);
    assertThat(ingest.httpPort()).isEqualTo(httpPort);
    assertThat(StackFixtures.get(ingest.metricsPort(), "/healthz").statusCode()).isEqualTo(200);
    assertThat(StackFixtures.get(httpPort, "/datasets").statusCode()).isEqualTo(200);
    assertThat(consumerThreads()).isEqualTo(1);

    ingest.close();
    ingest.close();
    assertThat(consumerThreads()).isZero();
    assertThatThrownBy(ingest::start).isInstanceOf(IllegalStateException.class);
    assertThat(canBind(metricsPort)).isTrue();
    assertThat(canBind(httpPort)).isTrue();
  }

  @Test
  void shouldReleaseEverythingWhenTheConstructorFailsAndCloseHarmlesslyAfterIt(LocalStack stack)
      throws Exception {
    int metricsPort;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      metricsPort = probe.getLocalPort();
    }
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      IngestConfig clash =
          StackFixtures.config(
              stack,
              "CYCLEGAN_HTTP_PORT",
              Integer.toString(taken.getLocalPort()),
              "CYCLEGAN_METRICS_PORT",
              Integer.toString(metricsPort));
      assertThatThrownBy(() -> new IngestService(clash, IngestService.LOOPBACK))
          .isInstanceOf(UncheckedIOException.class)
          .hasMessageContaining("CYCLEGAN_HTTP_PORT");
    }

    // The side server of the failed one was closed: its port is free for the next one.
    try (IngestService next =
        new IngestService(
            StackFixtures.config(stack, "CYCLEGAN_METRICS_PORT", Integer.toString(metricsPort)),
            IngestService.LOOPBACK)) {
      assertThat(next.metricsPort()).isEqualTo(metricsPort);
      next.close(); // never started: closing is harmless, and so is the second close
    }
    assertThat(consumerThreads()).isZero();
  }

  private static long consumerThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().equals("ingest-consumer"))
        .count();
  }

  private static boolean canBind(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
