package io.cyclegan.common.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetrierTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Dependency store = new Dependency("store").bindTo(registry);
  private final Retrier retrier =
      new Retrier(
          new RetryPolicy(Duration.ofMillis(1), Duration.ofMillis(4), Duration.ofSeconds(30)),
          store);

  @Test
  void shouldWaitOutATransientFaultAndCountTheRetries() throws Exception {
    AtomicInteger calls = new AtomicInteger();

    String result =
        retrier.call(
            "get k",
            () -> {
              if (calls.incrementAndGet() < 5) {
                throw new ConnectException("Connection refused");
              }
              return "ok";
            });

    assertThat(result).isEqualTo("ok");
    assertThat(calls).hasValue(5);
    assertThat(registry.get("cyclegan.retries").tag("dependency", "store").counter().count())
        .isEqualTo(4);
    assertThat(store.isUp()).isTrue();
  }

  @Test
  void shouldShowTheDependencyDownWhileItFails() {
    Retrier shortBudget =
        new Retrier(
            new RetryPolicy(Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(50)),
            store);

    assertThatThrownBy(
            () ->
                shortBudget.call(
                    "get k",
                    () -> {
                      throw new ConnectException("Connection refused");
                    }))
        .isInstanceOfSatisfying(
            Retrier.GaveUp.class,
            e -> {
              assertThat(e.transientFault()).isTrue();
              assertThat(e.attempts()).isGreaterThan(1);
              assertThat(e.getCause()).isInstanceOf(ConnectException.class);
            });
    assertThat(store.isUp()).isFalse();
    assertThat(store.outage()).isPresent();
    assertThat(registry.get("cyclegan.dependency.up").tag("dependency", "store").gauge().value())
        .isZero();
  }

  @Test
  void shouldThrowAPermanentErrorAtOnce() {
    AtomicInteger calls = new AtomicInteger();

    assertThatThrownBy(
            () ->
                retrier.call(
                    "parse",
                    () -> {
                      calls.incrementAndGet();
                      throw new IllegalArgumentException("not a PNG");
                    }))
        .isInstanceOfSatisfying(
            Retrier.GaveUp.class, e -> assertThat(e.transientFault()).isFalse());
    assertThat(calls).hasValue(1);
  }

  @Test
  void shouldStopWaitingAtAnEarlierDeadline() {
    Instant deadline = Instant.now().plusMillis(100);

    assertThatThrownBy(
            () ->
                retrier.call(
                    "get k",
                    () -> {
                      throw new ConnectException("Connection refused");
                    },
                    deadline))
        .isInstanceOf(Retrier.GaveUp.class);
    assertThat(Instant.now()).isBefore(deadline.plusSeconds(5));
  }

  @Test
  void shouldSortFaultsIntoTransientAndPermanent() {
    assertThat(Faults.isTransient(new ConnectException("refused"))).isTrue();
    assertThat(Faults.isTransient(new java.net.SocketTimeoutException("read timed out"))).isTrue();
    assertThat(Faults.isTransient(new org.apache.kafka.common.errors.TimeoutException("t")))
        .isTrue();
    assertThat(
            Faults.isTransient(
                new org.apache.kafka.common.errors.NotLeaderOrFollowerException("moved")))
        .isTrue();
    assertThat(Faults.isTransient(new RuntimeException("wrapped", new ConnectException("refused"))))
        .isTrue();
    assertThat(Faults.isTransient(new IllegalArgumentException("bad param"))).isFalse();
    assertThat(
            Faults.isTransient(
                new org.apache.kafka.common.errors.TopicAuthorizationException("no rights")))
        .isFalse();
    assertThat(
            Faults.isTransient(
                new org.apache.kafka.common.errors.SaslAuthenticationException("bad password")))
        .isFalse();
  }
}
