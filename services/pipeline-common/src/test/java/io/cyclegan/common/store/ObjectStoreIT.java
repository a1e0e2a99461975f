package io.cyclegan.common.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.cyclegan.common.config.S3Settings;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.LocalStackExtension;
import io.minio.MinioClient;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(LocalStackExtension.class)
class ObjectStoreIT {
  private ObjectStore store;

  @BeforeEach
  void connect(LocalStack stack) {
    store =
        new ObjectStore(
            S3Settings.of(
                stack.s3Endpoint(), "objectstore-it", stack.accessKey(), stack.secretKey()));
    store.ensureBucket();
  }

  @Test
  void shouldPutGetStatListAndDeleteBytes() {
    byte[] bytes = "hello store".getBytes(StandardCharsets.UTF_8);

    store.put("it/basic/a.txt", bytes, "text/plain");
    store.put("it/basic/sub/b.txt", bytes, "text/plain");

    assertThat(store.get("it/basic/a.txt")).contains(bytes);
    assertThat(store.stat("it/basic/a.txt"))
        .hasValueSatisfying(i -> assertThat(i.size()).isEqualTo(11));
    assertThat(store.list("it/basic/"))
        .extracting(ObjectInfo::key)
        .containsExactly("it/basic/a.txt", "it/basic/sub/b.txt");
    assertThat(store.listPrefixes("it/")).contains("basic");

    store.delete("it/basic/a.txt");

    assertThat(store.get("it/basic/a.txt")).isEmpty();
    assertThat(store.stat("it/basic/a.txt")).isEmpty();
    assertThat(store.exists("it/basic/sub/b.txt")).isTrue();
  }

  @Test
  void shouldWriteContentTypeAndUserMetadataWithTheBytes(LocalStack stack) throws Exception {
    byte[] bytes = "png bytes".getBytes(StandardCharsets.UTF_8);

    store.put("it/meta/a.png", bytes, "image/png", Map.of("input-sha256", "abc123"));

    assertThat(store.get("it/meta/a.png")).contains(bytes);
    assertThat(store.userMetadata("it/meta/a.png")).contains(Map.of("input-sha256", "abc123"));
    StatObjectResponse stat =
        MinioClient.builder()
            .endpoint(stack.s3Endpoint())
            .credentials(stack.accessKey(), stack.secretKey())
            .build()
            .statObject(
                StatObjectArgs.builder().bucket("objectstore-it").object("it/meta/a.png").build());
    assertThat(stat.contentType()).isEqualTo("image/png");
  }

  /**
   * MinioClient.putObject ran every upload through CompletableFuture.supplyAsync without an
   * executor: on a JVM that sees 2 processors or fewer (this project's CI, a pod with a CPU limit
   * of 2), a new thread per PUT. Puts of bytes now run on the caller's thread and the HTTP client's
   * pooled dispatcher.
   */
  @Test
  void shouldPutBytesWithoutStartingAThreadPerPut() {
    byte[] bytes = "x".getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < 5; i++) {
      store.put("it/threads/warm-" + i, bytes, "text/plain");
    }
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long before = threads.getTotalStartedThreadCount();

    for (int i = 0; i < 50; i++) {
      store.put("it/threads/" + i, bytes, "text/plain");
    }

    // The embedded S3 server shares this JVM; its pool may grow by a thread or two.
    assertThat(threads.getTotalStartedThreadCount() - before).isLessThan(5);
    assertThat(store.list("it/threads/")).hasSize(55);
  }

  @Test
  void shouldNameTheSubFoldersOfAPrefixWithoutTheirContents() {
    byte[] bytes = "x".getBytes(StandardCharsets.UTF_8);
    store.put("it/prefixes/zebra/v1/checkpoints/epoch-1.ckpt", bytes, "application/octet-stream");
    store.put("it/prefixes/zebra/latest.json", bytes, "application/json");
    store.put("it/prefixes/horse/v2/generators.bin", bytes, "application/octet-stream");
    store.put("it/prefixes/loose.txt", bytes, "text/plain");

    assertThat(store.listPrefixes("it/prefixes/")).containsExactly("horse", "zebra");
  }

  @Test
  void shouldWalkAListingPageByPageResumingAfterTheLastKey() {
    byte[] bytes = "x".getBytes(StandardCharsets.UTF_8);
    for (String k : List.of("a", "b", "c", "d", "e")) {
      store.put("it/pages/keys/" + k + ".txt", bytes, "text/plain");
    }
    store.put("it/pages/keysafter.txt", bytes, "text/plain");

    ListPage<ObjectInfo> first = store.listPage("it/pages/keys/", null, 2);
    ListPage<ObjectInfo> second = store.listPage("it/pages/keys/", first.last().orElseThrow(), 2);
    ListPage<ObjectInfo> third = store.listPage("it/pages/keys/", second.last().orElseThrow(), 2);

    assertThat(first.items())
        .extracting(ObjectInfo::key)
        .containsExactly("it/pages/keys/a.txt", "it/pages/keys/b.txt");
    assertThat(second.items())
        .extracting(ObjectInfo::key)
        .containsExactly("it/pages/keys/c.txt", "it/pages/keys/d.txt");
    assertThat(third.items()).extracting(ObjectInfo::key).containsExactly("it/pages/keys/e.txt");
    assertThat(third.last()).isEmpty();
  }

  @Test
  void shouldPageSubFoldersWithoutRepeatingOrEnteringTheLastOne() {
    byte[] bytes = "x".getBytes(StandardCharsets.UTF_8);
    for (String name : List.of("ant", "bee", "bee-2", "cat", "dog")) {
      store.put("it/pages/names/" + name + "/one.bin", bytes, "application/octet-stream");
      store.put("it/pages/names/" + name + "/two/three.bin", bytes, "application/octet-stream");
    }

    ListPage<String> first = store.listPrefixesPage("it/pages/names/", null, 2);
    ListPage<String> second =
        store.listPrefixesPage("it/pages/names/", first.last().orElseThrow(), 2);
    ListPage<String> third =
        store.listPrefixesPage("it/pages/names/", second.last().orElseThrow(), 2);

    // In key order: "bee-2/" sorts before "bee/" ('-' < '/').
    assertThat(first.items()).containsExactly("ant", "bee-2");
    assertThat(second.items()).containsExactly("bee", "cat");
    assertThat(third.items()).containsExactly("dog");
    assertThat(third.last()).isEmpty();
  }

  @Test
  void shouldListPageByPageInKeyOrderWithACursorToTheNextPage() {
    byte[] bytes = "x".getBytes(StandardCharsets.UTF_8);
    for (String name : new String[] {"e", "a", "c", "b", "sub/d"}) {
      store.put("it/flat-pages/" + name, bytes, "text/plain");
    }

    KeyPage first = store.listPage("it/flat-pages/", false, null, 2);
    KeyPage second = store.listPage("it/flat-pages/", false, first.next().orElseThrow(), 2);
    KeyPage third = store.listPage("it/flat-pages/", false, second.next().orElseThrow(), 2);

    assertThat(first.objects())
        .extracting(ObjectInfo::key)
        .containsExactly("it/flat-pages/a", "it/flat-pages/b");
    assertThat(second.objects())
        .extracting(ObjectInfo::key)
        .containsExactly("it/flat-pages/c", "it/flat-pages/e");
    assertThat(third.objects()).extracting(ObjectInfo::key).containsExactly("it/flat-pages/sub/d");
    assertThat(third.next()).isEmpty();
  }

  @Test
  void shouldPageSubFolderNamesWithoutRepeatingOneWhoseObjectsSpanThePageEnd() {
    byte[] bytes = "x".getBytes(StandardCharsets.UTF_8);
    for (String key :
        new String[] {"m1/latest.json", "m1/v1/g.bin", "m1/v2/g.bin", "m2/latest.json", "m3/a"}) {
      store.put("it/folders/" + key, bytes, "text/plain");
    }

    KeyPage first = store.listPage("it/folders/", true, null, 2);
    KeyPage second = store.listPage("it/folders/", true, first.next().orElseThrow(), 2);

    assertThat(first.prefixes()).containsExactly("m1", "m2");
    assertThat(second.prefixes()).containsExactly("m3");
    assertThat(second.next()).isEmpty();
  }

  @Test
  void shouldReadAnObjectUpToTheLimitAndRefuseALargerOneByItsLength() {
    byte[] bytes = new byte[4096];
    new Random(3).nextBytes(bytes);
    store.put("it/bounded/input.png", bytes, "image/png");

    assertThat(store.getAtMost("it/bounded/input.png", 4096))
        .hasValueSatisfying(
            r -> {
              assertThat(r.tooLarge()).isFalse();
              assertThat(r.bytes()).isEqualTo(bytes);
            });
    assertThat(store.getAtMost("it/bounded/input.png", 4095))
        .hasValueSatisfying(
            r -> {
              assertThat(r.tooLarge()).isTrue();
              assertThat(r.bytes()).isNull();
              assertThat(r.size()).isEqualTo(4096);
            });
    assertThat(store.getAtMost("it/bounded/missing.png", 4096)).isEmpty();
    // The refused read dropped its connection; the client goes on with a fresh one.
    assertThat(store.getAtMost("it/bounded/input.png", 8192))
        .hasValueSatisfying(r -> assertThat(r.bytes()).isEqualTo(bytes));
  }

  @Test
  void shouldRoundTripJsonDocuments() {
    store.putJson("it/json/state.json", Map.of("state", "running", "epoch", 3));

    @SuppressWarnings("unchecked")
    Map<String, Object> back = store.getJson("it/json/state.json", Map.class).orElseThrow();

    assertThat(back).containsEntry("state", "running").containsEntry("epoch", 3);
    assertThat(store.getJson("it/json/missing.json", Map.class)).isEmpty();
  }

  /** A document as an older reader knows it. */
  record StateDocument(String state, int epoch) {}

  @Test
  void shouldReadADocumentThatANewerVersionWroteWithFieldsAdded() {
    store.putJson(
        "it/json/newer.json", Map.of("state", "running", "epoch", 3, "addedLater", List.of(1)));

    assertThat(store.getJson("it/json/newer.json", StateDocument.class))
        .contains(new StateDocument("running", 3));
  }

  @Test
  void shouldUploadTwelveMegabytesInParts(@TempDir Path dir) throws Exception {
    byte[] big = new byte[12 * 1024 * 1024];
    new Random(7).nextBytes(big);

    store.putStream("it/big/stream.bin", new ByteArrayInputStream(big), "application/octet-stream");
    Path file = dir.resolve("big.bin");
    Files.write(file, big);
    store.putFile("it/big/file.bin", file, "application/octet-stream");

    assertThat(store.stat("it/big/stream.bin"))
        .hasValueSatisfying(i -> assertThat(i.size()).isEqualTo(big.length));
    assertThat(store.get("it/big/stream.bin"))
        .hasValueSatisfying(b -> assertThat(b).isEqualTo(big));
    Path back = dir.resolve("back.bin");
    assertThat(store.getToFile("it/big/file.bin", back)).isTrue();
    assertThat(Files.readAllBytes(back)).isEqualTo(big);
    assertThat(store.getToFile("it/big/none.bin", dir.resolve("none.bin"))).isFalse();
  }

  @Test
  void shouldReportUnreachableStoreAsUnavailableOnceTheBudgetIsSpent() {
    io.cyclegan.common.fault.Dependency state = new io.cyclegan.common.fault.Dependency("s3");
    ObjectStore dead =
        new ObjectStore(
            S3Settings.of("http://127.0.0.1:1", "x-bucket", "a", "b"),
            new io.cyclegan.common.fault.RetryPolicy(
                java.time.Duration.ofMillis(10),
                java.time.Duration.ofMillis(20),
                java.time.Duration.ofMillis(300)),
            state);

    assertThat(dead.isReachable()).isFalse();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> dead.get("k"))
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("attempts")
        .hasMessageNotContaining("x-bucket");
    assertThat(state.isUp()).isFalse();
  }

  @Test
  void shouldWaitOutAStoreOutageWithinTheBudgetInsteadOfFailing(LocalStack stack) throws Exception {
    // Before the fault model, a get gave up after 4 attempts (about 1.4 s) and failed for good.
    ObjectStore patient =
        new ObjectStore(
            S3Settings.of(
                stack.s3Endpoint(), "objectstore-it", stack.accessKey(), stack.secretKey()),
            new io.cyclegan.common.fault.RetryPolicy(
                java.time.Duration.ofMillis(100),
                java.time.Duration.ofMillis(500),
                java.time.Duration.ofMinutes(2)),
            new io.cyclegan.common.fault.Dependency("object-store"));
    byte[] bytes = "survives".getBytes(StandardCharsets.UTF_8);
    patient.put("it/outage/a.txt", bytes, "text/plain");

    stack.stopS3();
    java.util.concurrent.CompletableFuture<java.util.Optional<byte[]>> read;
    try {
      read =
          java.util.concurrent.CompletableFuture.supplyAsync(() -> patient.get("it/outage/a.txt"));
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(30))
          .until(() -> !patient.dependency().isUp());
      // Held down for longer than the old retries lasted.
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(30))
          .until(
              () ->
                  patient
                      .dependency()
                      .outage()
                      .map(d -> d.compareTo(java.time.Duration.ofSeconds(3)) > 0)
                      .orElse(false));
      assertThat(read).isNotDone();
    } finally {
      stack.startS3();
    }

    assertThat(read.get(60, java.util.concurrent.TimeUnit.SECONDS)).contains(bytes);
    assertThat(patient.dependency().isUp()).isTrue();
  }

  @Test
  void shouldNoticeAHungStoreInSecondsAndNotHangTheProbe(LocalStack stack) throws Exception {
    java.net.URI endpoint = java.net.URI.create(stack.s3Endpoint());
    try (io.cyclegan.localstack.FaultProxy proxy =
        io.cyclegan.localstack.FaultProxy.to(endpoint.getHost(), endpoint.getPort()).start()) {
      ObjectStore viaProxy =
          new ObjectStore(
              S3Settings.of(
                  "http://" + proxy.address(),
                  "objectstore-it",
                  stack.accessKey(),
                  stack.secretKey()),
              new io.cyclegan.common.fault.RetryPolicy(
                  java.time.Duration.ofMillis(100),
                  java.time.Duration.ofMillis(200),
                  java.time.Duration.ofSeconds(1)),
              new io.cyclegan.common.fault.Dependency("object-store"));
      assertThat(viaProxy.isReachable()).isTrue();

      proxy.blackhole(); // accepts connections, never answers

      // With the client's default timeouts (5 minutes) the probe would hang; it must say no.
      Boolean reachable =
          org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
              java.time.Duration.ofSeconds(20), viaProxy::isReachable);
      assertThat(reachable).isFalse();
      assertThat(viaProxy.dependency().isUp()).isFalse();
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () ->
                  org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                      java.time.Duration.ofSeconds(60), () -> viaProxy.get("it/none")))
          .isInstanceOf(StoreUnavailableException.class);
    }
  }
}
