package io.cyclegan.ingest.retention;

import static org.assertj.core.api.Assertions.assertThat;

import io.cyclegan.common.config.S3Settings;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.LocalStackExtension;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Issue 17 part 4: requests/ and results/ have a lifetime; nothing else is swept. */
@ExtendWith(LocalStackExtension.class)
class RequestSweeperIT {
  private static final Duration WEEK = Duration.ofDays(7);
  private ObjectStore store;

  @BeforeEach
  void connect(LocalStack stack) {
    // A bucket of its own: a sweep with the clock a week ahead finds everything old.
    store =
        new ObjectStore(
            S3Settings.of(
                stack.s3Endpoint(),
                "sweep-" + UUID.randomUUID().toString().substring(0, 8),
                stack.accessKey(),
                stack.secretKey()));
    store.ensureBucket();
  }

  private static Clock inDays(int days) {
    return Clock.fixed(Instant.now().plus(Duration.ofDays(days)), ZoneOffset.UTC);
  }

  private void put(String... keys) {
    for (String key : keys) {
      store.put(key, new byte[] {1}, "application/octet-stream");
    }
  }

  @Test
  void shouldDeleteRequestsAndResultsOlderThanTheirLifetimeAndNothingElse() {
    put(
        "requests/r1/input.png",
        "results/r1/output.png",
        "results/r1/result.json",
        "datasets/d/A/0.png",
        "models/m/v1/generators.bin",
        "models/m/v1/checkpoints/epoch-1.ckpt",
        "jobs/j/state.json");
    RetentionConfig config = new RetentionConfig(WEEK, WEEK, Duration.ofHours(1), 100);

    RequestSweeper.Sweep young = new RequestSweeper(store, config, inDays(6)).sweep();
    RequestSweeper.Sweep old = new RequestSweeper(store, config, inDays(8)).sweep();

    assertThat(young.deleted()).isZero();
    assertThat(old.deleted()).isEqualTo(3);
    assertThat(store.list(""))
        .extracting(o -> o.key())
        .containsExactly(
            "datasets/d/A/0.png",
            "jobs/j/state.json",
            "models/m/v1/checkpoints/epoch-1.ckpt",
            "models/m/v1/generators.bin");
  }

  @Test
  void shouldKeepAPrefixForeverWhenItsLifetimeIsZero() {
    put("requests/r2/input.png", "results/r2/output.png");
    RetentionConfig config = new RetentionConfig(Duration.ZERO, WEEK, Duration.ofHours(1), 100);

    new RequestSweeper(store, config, inDays(30)).sweep();

    assertThat(store.exists("requests/r2/input.png")).isTrue();
    assertThat(store.exists("results/r2/output.png")).isFalse();
  }

  @Test
  void shouldLookAtABoundedNumberOfObjectsPerSweepAndGoOnWhereItStopped() {
    put("requests/a/input.png", "requests/b/input.png", "requests/c/input.png");
    // Four objects a sweep, two per prefix.
    RequestSweeper sweeper =
        new RequestSweeper(
            store, new RetentionConfig(WEEK, WEEK, Duration.ofHours(1), 4), inDays(8));

    RequestSweeper.Sweep first = sweeper.sweep();
    List<String> left = store.list("requests/").stream().map(o -> o.key()).toList();
    RequestSweeper.Sweep second = sweeper.sweep();

    assertThat(first.looked()).isEqualTo(2);
    assertThat(left).containsExactly("requests/c/input.png");
    assertThat(second.deleted()).isEqualTo(1);
    assertThat(store.list("requests/")).isEmpty();
  }
}
