package io.cyclegan.ingest.retention;

import static org.assertj.core.api.Assertions.assertThat;

import io.cyclegan.common.config.S3Settings;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.LocalStackExtension;
import io.minio.MinioAsyncClient;
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
  private String bucket;

  @BeforeEach
  void connect(LocalStack stack) {
    // A bucket of its own: a sweep with the clock a week ahead finds everything old.
    bucket = "sweep-" + UUID.randomUUID().toString().substring(0, 8);
    store =
        new ObjectStore(
            S3Settings.of(stack.s3Endpoint(), bucket, stack.accessKey(), stack.secretKey()));
    store.ensureBucket();
  }

  /** Starts a multipart upload and leaves it, as a writer killed mid-upload does. */
  private String startUpload(LocalStack stack, String key) throws Exception {
    MinioAsyncClient client =
        MinioAsyncClient.builder()
            .endpoint(stack.s3Endpoint())
            .credentials(stack.accessKey(), stack.secretKey())
            .build();
    return client
        .createMultipartUploadAsync(bucket, null, key, null, null)
        .get()
        .result()
        .uploadId();
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
  void shouldGoOnSweepingWhenTheStoreCannotListIncompleteUploads(LocalStack stack)
      throws Exception {
    // S3Proxy's filesystem store answers ListMultipartUploads with 501: the sweep leaves stale
    // uploads to the bucket's lifecycle rule (docs/retention.md) and does the rest.
    startUpload(stack, "models/m/v1/checkpoints/epoch-3.ckpt");
    put("requests/r3/input.png");
    RetentionConfig config =
        new RetentionConfig(WEEK, WEEK, Duration.ofHours(1), 100, Duration.ofDays(1));
    RequestSweeper sweeper = new RequestSweeper(store, config, inDays(8));

    RequestSweeper.Sweep first = sweeper.sweep();
    put("requests/r4/input.png");
    RequestSweeper.Sweep second = sweeper.sweep();

    assertThat(first.deleted()).isEqualTo(1);
    assertThat(first.aborted()).isZero();
    assertThat(second.deleted()).isEqualTo(1);
    assertThat(store.list("requests/")).isEmpty();
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
