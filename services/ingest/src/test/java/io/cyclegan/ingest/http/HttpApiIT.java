package io.cyclegan.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cyclegan.common.image.ImageValidator;
import io.cyclegan.common.image.TestImages;
import io.cyclegan.common.messages.Direction;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.messages.ModelAnnouncement;
import io.cyclegan.common.messages.OutputFormat;
import io.cyclegan.common.messages.Topics;
import io.cyclegan.common.messages.TrainingCommand;
import io.cyclegan.common.messages.TranslateRequest;
import io.cyclegan.common.messages.TranslateResult;
import io.cyclegan.common.queue.QueueSnapshot;
import io.cyclegan.common.queue.QueueSnapshots;
import io.cyclegan.common.store.ObjectInfo;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.common.testkit.LogCapture;
import io.cyclegan.common.trace.TraceContext;
import io.cyclegan.ingest.IngestService;
import io.cyclegan.ingest.StackFixtures;
import io.cyclegan.ingest.TopicTap;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.LocalStackExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The HTTP API over real HTTP against the embedded stack. */
@ExtendWith(LocalStackExtension.class)
class HttpApiIT {
  private static final String JOB_TRACEPARENT =
      "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
  private static final Topics TOPICS = Topics.DEFAULTS;
  private static final int MAX_IMAGE_BYTES = 64 * 1024;
  private static final int MAX_UPLOAD_BYTES = 256 * 1024;

  private static IngestService service;
  private static ObjectStore store;
  private static HttpClient http;

  @BeforeAll
  static void start(LocalStack stack) {
    // Its own input topic, so this service does not consume what other tests publish.
    String topic = "it.http.images." + id();
    StackFixtures.createTopics(stack, topic, 1);
    service =
        new IngestService(
                StackFixtures.config(
                    stack,
                    "CYCLEGAN_TOPIC_IMAGES_IN",
                    topic,
                    "CYCLEGAN_GROUP_ID",
                    "ingest-http-it-" + id(),
                    "CYCLEGAN_MAX_IMAGE_BYTES",
                    Integer.toString(MAX_IMAGE_BYTES),
                    "CYCLEGAN_MAX_UPLOAD_BYTES",
                    Integer.toString(MAX_UPLOAD_BYTES)),
                IngestService.LOOPBACK)
            .start();
    store = StackFixtures.store(stack);
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  }

  @AfterAll
  static void stop() {
    if (service != null) {
      service.close();
    }
  }

  private static String id() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  private static URI uri(String path) {
    return URI.create("http://127.0.0.1:" + service.httpPort() + path);
  }

  private static HttpResponse<byte[]> post(String path, String contentType, byte[] body)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static JsonNode json(HttpResponse<byte[]> response) throws IOException {
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    return MessageCodec.mapper().readTree(response.body());
  }

  private static void assertError(HttpResponse<byte[]> response, int status, String reason)
      throws IOException {
    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    JsonNode body = MessageCodec.mapper().readTree(response.body());
    assertThat(body.get("status").asInt()).isEqualTo(status);
    assertThat(body.get("reason").asText()).isEqualTo(reason);
    assertThat(body.get("error").asText()).isNotBlank();
  }

  /**
   * {@link #assertError}, and the error names the part of the request to change as the caller gave
   * it ({@code names}), not the pipeline's header it became.
   */
  private static void assertError(
      HttpResponse<byte[]> response, int status, String reason, String names) throws IOException {
    assertError(response, status, reason);
    String error = MessageCodec.mapper().readTree(response.body()).get("error").asText();
    assertThat(error).contains(names).doesNotContain("cg-");
  }

  @Test
  void shouldStoreAnUploadedImageOnceWhenItIsUploadedTwice(LocalStack stack) throws Exception {
    String dataset = "http-" + id();
    byte[] png = TestImages.png(32, 32, 5);

    HttpResponse<byte[]> first = post("/datasets/" + dataset + "/A", "image/png", png);
    HttpResponse<byte[]> again = post("/datasets/" + dataset + "/A?filename=same.png", null, png);
    HttpResponse<byte[]> other =
        post("/datasets/" + dataset + "/B", "image/jpeg", TestImages.jpeg(16, 16));

    assertThat(first.statusCode()).isEqualTo(201);
    JsonNode stored = json(first);
    assertThat(stored.get("key").asText()).startsWith("datasets/" + dataset + "/A/");
    assertThat(stored.get("duplicate").asBoolean()).isFalse();
    assertThat(stored.get("width").asInt()).isEqualTo(32);
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(json(again).get("duplicate").asBoolean()).isTrue();
    assertThat(json(again).get("key").asText()).isEqualTo(stored.get("key").asText());
    assertThat(other.statusCode()).isEqualTo(201);
    assertThat(json(other).get("counts"))
        .isEqualTo(MessageCodec.mapper().valueToTree(Map.of("A", 1, "B", 1)));

    JsonNode datasets = json(get("/datasets")).get("datasets");
    assertThat(datasets)
        .anySatisfy(
            d -> {
              assertThat(d.get("name").asText()).isEqualTo(dataset);
              assertThat(d.get("counts").get("A").asLong()).isEqualTo(1);
              assertThat(d.get("counts").get("B").asLong()).isEqualTo(1);
            });
    try (TopicTap events = new TopicTap(stack, TOPICS.datasets())) {
      assertThat(events.awaitKey(dataset, 3)).hasSize(3);
    }
  }

  @Test
  void shouldRefuseBadUploadsWithTheMatchingStatusAndReason() throws Exception {
    String dataset = "http-bad-" + id();
    String path = "/datasets/" + dataset + "/A";

    assertError(post(path, "image/jpeg", TestImages.png(8, 8)), 415, "FORMAT_MISMATCH");
    assertError(
        post(path, "image/png", "hello".getBytes(StandardCharsets.UTF_8)), 415, "TEXT_NOT_IMAGE");
    assertError(post(path, null, TestImages.gif(8, 8)), 415, "UNSUPPORTED_FORMAT");
    assertError(
        post(path, null, TestImages.truncate(TestImages.png(64, 64, 3), 0.6)), 400, "TRUNCATED");
    assertError(post(path, null, new byte[0]), 400, "EMPTY");
    assertError(post(path, null, TestImages.pngHeaderOnly(50_000, 50_000)), 413, "TOO_MANY_PIXELS");
    assertError(post(path, null, TestImages.noisePng(200, 200)), 413, "TOO_LARGE");
    assertError(post(path, null, new byte[MAX_UPLOAD_BYTES + 1]), 413, "BODY_TOO_LARGE");
    assertError(
        post("/datasets/Bad..Name/A", null, TestImages.png(8, 8)),
        400,
        "INVALID_DATASET",
        "path segment {dataset}");
    assertError(
        post("/datasets/" + dataset + "/C", null, TestImages.png(8, 8)),
        400,
        "INVALID_DOMAIN",
        "path segment {domain} is 'C'");

    assertThat(store.list("datasets/" + dataset + "/")).isEmpty();
  }

  @Test
  void shouldImportOnlyTheSafeImagesWhenAZipHasFoldersTextAndTraversal() throws Exception {
    String dataset = "zip-" + id();
    byte[] h1 = TestImages.png(20, 20, 21);
    byte[] escaping = TestImages.png(20, 20, 23);
    byte[] zip =
        zip(
            Map.entry("horses/", new byte[0]),
            Map.entry("horses/brown/h1.png", h1),
            Map.entry("horses/h2.jpg", TestImages.jpeg(20, 20)),
            Map.entry("copies/h1-again.png", h1),
            Map.entry("readme.txt", "a dataset".getBytes(StandardCharsets.UTF_8)),
            Map.entry("horses/.DS_Store", new byte[] {0, 1}),
            Map.entry("../../x.png", escaping),
            Map.entry("/abs/y.png", escaping),
            Map.entry("bad/broken.png", TestImages.truncate(TestImages.png(64, 64, 22), 0.5)));

    HttpResponse<byte[]> response = post("/datasets/" + dataset + "/B", "application/zip", zip);

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode report = json(response);
    assertThat(report.get("accepted"))
        .extracting(a -> a.get("file").asText())
        .containsExactly("horses/brown/h1.png", "horses/h2.jpg", "copies/h1-again.png");
    assertThat(report.get("accepted").get(2).get("duplicate").asBoolean()).isTrue();
    List<String> rejected = new ArrayList<>();
    report
        .get("rejected")
        .forEach(r -> rejected.add(r.get("file").asText() + " " + r.get("reason").asText()));
    assertThat(rejected)
        .containsExactlyInAnyOrder(
            "../../x.png UNSAFE_PATH", "/abs/y.png UNSAFE_PATH", "bad/broken.png TRUNCATED");
    assertThat(report.get("skipped"))
        .extracting(s -> s.get("file").asText())
        .containsExactlyInAnyOrder("readme.txt", "horses/.DS_Store");
    assertThat(report.get("counts").get("B").asLong()).isEqualTo(2);

    assertThat(store.list("datasets/" + dataset + "/B/")).hasSize(2);
    String escapingHash = new ImageValidator(1 << 20, 1 << 20).validate(escaping, null).sha256();
    assertThat(store.list("")).extracting(ObjectInfo::key).noneMatch(k -> k.contains(escapingHash));
  }

  @SafeVarargs
  private static byte[] zip(Map.Entry<String, byte[]>... entries) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      for (Map.Entry<String, byte[]> e : entries) {
        zip.putNextEntry(new ZipEntry(e.getKey()));
        zip.write(e.getValue());
        zip.closeEntry();
      }
    }
    return out.toByteArray();
  }

  @Test
  void shouldStopAZipBombWhenItExpandsBeyondItsBudget() throws Exception {
    // A few KB that inflate to 8 MiB, more than four times the 256 KiB upload limit: refused
    // while reading, although the entry would only have been skipped.
    byte[] bomb = zip(Map.entry("notes.txt", new byte[8 << 20]));
    assertThat(bomb.length).isLessThan(MAX_UPLOAD_BYTES);

    assertError(
        post("/datasets/zip-" + id() + "/A", "application/zip", bomb), 413, "ZIP_TOO_LARGE");
  }

  @Test
  void shouldRefuseABodyThatIsNoZipWhenDeclaredAsOne() throws Exception {
    assertError(
        post("/datasets/zip-" + id() + "/A", "application/zip", TestImages.png(8, 8)),
        400,
        "NOT_A_ZIP");
  }

  @Test
  void shouldSubmitATranslationAndServeItsResultOnceWritten(LocalStack stack) throws Exception {
    HttpResponse<byte[]> submitted =
        post(
            "/translate?model=zebra&direction=BtoA&version=v1",
            "image/png",
            TestImages.png(40, 20));

    assertThat(submitted.statusCode()).isEqualTo(202);
    String requestId = json(submitted).get("requestId").asText();
    try (TopicTap claims = new TopicTap(stack, TOPICS.translateRequests())) {
      TranslateRequest claim =
          MessageCodec.decode(claims.awaitKey(requestId, 1).get(0).value(), TranslateRequest.class);
      assertThat(claim.model()).isEqualTo("zebra");
      assertThat(claim.modelVersion()).isEqualTo("v1");
      assertThat(claim.direction()).isEqualTo(Direction.BtoA);
      assertThat(claim.width()).isEqualTo(40);
      assertThat(claim.inputKey()).isEqualTo(ObjectKeys.requestInput(requestId));
    }
    assertThat(json(get("/results/" + requestId)).get("status").asText()).isEqualTo("pending");
    assertError(get("/results/" + requestId + "/output.png"), 404, "NOT_FOUND");

    // What the inference worker (another module) writes when it is done.
    byte[] output = TestImages.png(40, 20, 99);
    store.put(ObjectKeys.resultOutput(requestId), output, "image/png");
    store.putJson(
        ObjectKeys.resultDocument(requestId),
        TranslateResult.ok(
            requestId,
            stack.bucket(),
            ObjectKeys.resultOutput(requestId),
            "zebra",
            "v1",
            Direction.BtoA,
            40,
            20,
            false,
            new TranslateResult.Timings(1L, 2L, 3L)));

    JsonNode result = json(get("/results/" + requestId));
    assertThat(result.get("status").asText()).isEqualTo("ok");
    assertThat(result.get("outputKey").asText()).isEqualTo(ObjectKeys.resultOutput(requestId));
    HttpResponse<byte[]> png = get("/results/" + requestId + "/output.png");
    assertThat(png.statusCode()).isEqualTo(200);
    assertThat(png.headers().firstValue("Content-Type")).hasValue("image/png");
    assertThat(png.body()).isEqualTo(output);
  }

  @Test
  void shouldCarryTheOutputFormatToTheClaimCheckAndServeAJpegOutput(LocalStack stack)
      throws Exception {
    HttpResponse<byte[]> submitted =
        post("/translate?model=zebra&format=jpeg", null, TestImages.png(24, 16));

    assertThat(submitted.statusCode()).isEqualTo(202);
    assertThat(json(submitted).get("outputFormat").asText()).isEqualTo("jpeg");
    String requestId = json(submitted).get("requestId").asText();
    try (TopicTap claims = new TopicTap(stack, TOPICS.translateRequests())) {
      TranslateRequest claim =
          MessageCodec.decode(claims.awaitKey(requestId, 1).get(0).value(), TranslateRequest.class);
      assertThat(claim.outputFormat()).isEqualTo(OutputFormat.jpeg);
    }
    // What the inference worker writes for such a request.
    byte[] jpeg = TestImages.jpeg(24, 16);
    store.put(ObjectKeys.resultOutput(requestId, OutputFormat.jpeg), jpeg, "image/jpeg");

    HttpResponse<byte[]> image = get("/results/" + requestId + "/output.jpg");
    assertThat(image.statusCode()).isEqualTo(200);
    assertThat(image.headers().firstValue("Content-Type")).hasValue("image/jpeg");
    assertThat(image.body()).isEqualTo(jpeg);
    assertError(get("/results/" + requestId + "/output.png"), 404, "NOT_FOUND");
    assertError(
        post("/translate?model=zebra&format=gif", null, TestImages.png(8, 8)),
        400,
        "INVALID_OUTPUT_FORMAT",
        "query parameter 'format' is 'gif'");
  }

  @Test
  void shouldUseTheCallersRequestIdAndRefuseBadOnesWhenTranslating() throws Exception {
    String mine = "my-req-" + id();

    HttpResponse<byte[]> submitted =
        post("/translate?model=zebra&requestId=" + mine, null, TestImages.png(8, 8));

    assertThat(submitted.statusCode()).isEqualTo(202);
    assertThat(json(submitted).get("requestId").asText()).isEqualTo(mine);
    assertError(
        post("/translate", null, TestImages.png(8, 8)),
        400,
        "MISSING_MODEL",
        "missing query parameter 'model'");
    assertError(
        post("/translate?model=zebra&direction=up", null, TestImages.png(8, 8)),
        400,
        "INVALID_DIRECTION",
        "query parameter 'direction' is 'up'");
    assertError(
        post("/translate?model=zebra&version=bad..v", null, TestImages.png(8, 8)),
        400,
        "INVALID_MODEL_VERSION",
        "query parameter 'version'");
    assertError(post("/translate?model=zebra", "image/png", new byte[0]), 400, "EMPTY");
    assertThat(json(get("/results/not-yet-" + id())).get("status").asText()).isEqualTo("pending");
    assertError(get("/results/bad..id"), 400, "INVALID_REQUEST_ID");
  }

  @Test
  void shouldPublishTrainingCommandsAndServeTheJobStateWhenAsked(LocalStack stack)
      throws Exception {
    String jobId = "job-" + id();
    String body =
        "{\"jobId\":\""
            + jobId
            + "\",\"model\":\"zebra\",\"dataset\":\"horse2zebra\","
            + "\"params\":{\"epochs\":2,\"imageSize\":64},\"initFrom\":\"horse2zebra:v3\"}";

    // Without authentication there is no principal, and a client's own is not taken.
    HttpResponse<byte[]> started =
        http.send(
            HttpRequest.newBuilder(uri("/jobs"))
                .header("Content-Type", "application/json")
                .header("cg-principal", "mallory")
                .header(TraceContext.HEADER, JOB_TRACEPARENT)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    HttpResponse<byte[]> cancelled = post("/jobs/" + jobId + "/cancel", null, new byte[0]);

    assertThat(started.statusCode()).isEqualTo(202);
    assertThat(json(started).get("jobId").asText()).isEqualTo(jobId);
    assertThat(cancelled.statusCode()).isEqualTo(202);
    try (TopicTap commands = new TopicTap(stack, TOPICS.trainingCommands())) {
      var records = commands.awaitKey(jobId, 2);
      assertThat(records)
          .allSatisfy(r -> assertThat(r.headers().headers("cg-principal")).isEmpty());
      List<TrainingCommand> received =
          records.stream().map(r -> MessageCodec.decode(r.value(), TrainingCommand.class)).toList();
      assertThat(received.get(0).type()).isEqualTo("start");
      assertThat(received.get(0).model()).isEqualTo("zebra");
      assertThat(received.get(0).dataset()).isEqualTo("horse2zebra");
      assertThat(received.get(0).params())
          .containsEntry("epochs", 2)
          .containsEntry("imageSize", 64);
      assertThat(received.get(0).initFrom())
          .isEqualTo(new TrainingCommand.InitFrom("horse2zebra", "v3"));
      assertThat(received.get(1).type()).isEqualTo("cancel");
      // The request's trace on the command record (a child span), or, without one, a new trace:
      // the one the answer named.
      TraceContext onStart = TraceContext.parse(traceparent(records.get(0)));
      assertThat(onStart.traceId()).isEqualTo(JOB_TRACEPARENT.substring(3, 35));
      assertThat(onStart.header()).isNotEqualTo(JOB_TRACEPARENT);
      String cancelTrace = cancelled.headers().firstValue(TraceContext.HEADER).orElseThrow();
      assertThat(TraceContext.parse(traceparent(records.get(1))).traceId())
          .isEqualTo(TraceContext.parse(cancelTrace).traceId());
    }

    assertError(get("/jobs/" + jobId), 404, "NOT_FOUND");
    byte[] state =
        ("{\"jobId\":\"" + jobId + "\",\"status\":\"running\",\"epoch\":1}")
            .getBytes(StandardCharsets.UTF_8);
    store.put(ObjectKeys.jobState(jobId), state, "application/json");
    HttpResponse<byte[]> read = get("/jobs/" + jobId);
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(json(read)).isEqualTo(MessageCodec.mapper().readTree(state));
  }

  /**
   * The queue snapshot the training workers keep ({@code training/queue.json}) as {@code "queue"}
   * on each job of {@code GET /jobs} and {@code GET /jobs/{id}}, and whole at {@code GET
   * /training/queue}; a job's own {@code "queue"} field is never passed off as its place.
   */
  @Test
  void shouldShowEachJobsPlaceInTheQueueWhenTheSnapshotNamesIt() throws Exception {
    String base = "qv" + id() + "-";
    String waiting = base + "a";
    String running = base + "b";
    String done = base + "c";
    putState(waiting, "accepted", "");
    putState(running, "running", ",\"worker\":\"training-1\",\"leaseEpoch\":4");
    putState(done, "completed", ",\"queue\":{\"status\":\"running\",\"worker\":\"forged\"}");
    Instant at = Instant.parse("2026-12-01T07:00:00Z");
    store.putJson(
        QueueSnapshots.KEY,
        new QueueSnapshot(
            QueueSnapshot.SCHEMA,
            at,
            List.of(
                new QueueSnapshot.Waiting("other-" + id(), 1, at),
                new QueueSnapshot.Waiting(waiting, 2, at)),
            List.of(new QueueSnapshot.Running(running, "training-1", 4, at))));
    try {
      JsonNode jobs = json(get("/jobs?limit=3&cursor=" + Paging.cursor(base))).get("jobs");
      JsonNode one = json(get("/jobs/" + running));
      JsonNode queue = json(get("/training/queue"));

      assertThat(jobs).hasSize(3);
      assertThat(jobs.get(0).get("jobId").asText()).isEqualTo(waiting);
      assertThat(jobs.get(0).get("queue").get("status").asText()).isEqualTo("waiting");
      assertThat(jobs.get(0).get("queue").get("position").asInt()).isEqualTo(2);
      assertThat(jobs.get(0).get("queue").get("waiting").asInt()).isEqualTo(2);
      assertThat(jobs.get(0).get("queue").get("asOf").asText()).isEqualTo(at.toString());
      assertThat(jobs.get(1).get("queue").get("worker").asText()).isEqualTo("training-1");
      assertThat(jobs.get(1).get("queue").get("leaseEpoch").asLong()).isEqualTo(4);
      assertThat(jobs.get(2).get("state").asText()).isEqualTo("completed");
      assertThat(jobs.get(2).has("queue")).isFalse();
      assertThat(one.get("queue")).isEqualTo(jobs.get(1).get("queue"));
      assertThat(one.get("epoch").asInt()).isEqualTo(1);
      assertThat(queue.get("schema").asText()).isEqualTo(QueueSnapshot.SCHEMA);
      assertThat(queue.get("waiting").get(1).get("jobId").asText()).isEqualTo(waiting);
      assertThat(queue.get("running").get(0).get("worker").asText()).isEqualTo("training-1");
    } finally {
      store.delete(QueueSnapshots.KEY);
    }
  }

  /** A snapshot that is not one (anyone who can write the bucket may have put it there). */
  @Test
  void shouldListTheJobsWithoutPlacesWhenTheSnapshotIsCorrupt() throws Exception {
    String base = "qc" + id() + "-";
    putState(base + "a", "accepted", "");
    List<String> corrupt =
        List.of(
            "not json",
            "{\"schema\":\"cyclegan.training.queue/v1\",\"updatedAt\":\"2026-12-01T07:00:00Z\","
                + "\"waiting\":[{\"jobId\":\""
                + base
                + "a\",\"position\":7}]}",
            "{\"schema\":\"cyclegan.training.queue/v1\",\"updatedAt\":\"2026-12-01T07:00:00Z\","
                + "\"running\":[{\"jobId\":\""
                + base
                + "a\",\"worker\":\"w\\r\\nx\","
                + "\"leaseEpoch\":1}]}");
    try {
      for (String snapshot : corrupt) {
        store.put(QueueSnapshots.KEY, bytes(snapshot), "application/json");

        HttpResponse<byte[]> page = get("/jobs?limit=1&cursor=" + Paging.cursor(base));
        HttpResponse<byte[]> one = get("/jobs/" + base + "a");
        HttpResponse<byte[]> queue = get("/training/queue");

        assertThat(page.statusCode()).as(snapshot).isEqualTo(200);
        JsonNode job = json(page).get("jobs").get(0);
        assertThat(job.get("jobId").asText()).isEqualTo(base + "a");
        assertThat(job.has("queue")).as(snapshot).isFalse();
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(json(one).has("queue")).isFalse();
        assertThat(queue.statusCode()).isEqualTo(200);
        assertThat(json(queue).get("waiting")).isEmpty();
        assertThat(json(queue).get("running")).isEmpty();
        assertThat(json(queue).has("updatedAt")).isFalse();
      }
    } finally {
      store.delete(QueueSnapshots.KEY);
    }
  }

  private static void putState(String jobId, String state, String more) {
    store.put(
        ObjectKeys.jobState(jobId),
        bytes("{\"jobId\":\"" + jobId + "\",\"state\":\"" + state + "\",\"epoch\":1" + more + "}"),
        "application/json");
  }

  /** Every list at its largest page: one list request of at most S3's 1000 keys. */
  @Test
  void shouldServeEveryListAtTheLargestPage() throws Exception {
    String dataset = "big-" + id();
    assertThat(
            post("/datasets/" + dataset + "/A", "image/png", TestImages.png(8, 8, 1)).statusCode())
        .isEqualTo(201);
    for (String list : List.of("/jobs", "/models", "/datasets", "/datasets/" + dataset + "/A")) {
      HttpResponse<byte[]> page = get(list + "?limit=" + Paging.MAX_LIMIT);
      assertThat(page.statusCode())
          .as(list + ": " + new String(page.body(), StandardCharsets.UTF_8))
          .isEqualTo(200);
    }
  }

  private static String traceparent(org.apache.kafka.clients.consumer.ConsumerRecord<?, ?> r) {
    var h = r.headers().lastHeader(TraceContext.HEADER);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  @Test
  void shouldRefuseBadJobRequestsNamingTheField() throws Exception {
    assertError(
        post("/jobs", "application/json", bytes("{\"model\":\"zebra\"}")), 400, "MISSING_FIELD");
    assertError(
        post("/jobs", "application/json", bytes("{\"model\":\"Zebra!\",\"dataset\":\"d\"}")),
        400,
        "INVALID_MODEL");
    assertError(
        post(
            "/jobs",
            "application/json",
            bytes("{\"model\":\"z\",\"dataset\":\"d\",\"colour\":\"red\"}")),
        400,
        "UNKNOWN_FIELD");
    assertError(post("/jobs", "application/json", bytes("not json")), 400, "INVALID_JSON");
    for (String initFrom :
        new String[] {
          "\"m:v:w\"", "{\"version\":\"v1\"}", "{\"model\":\"m\",\"step\":1}", "7", "\"Bad..Name\""
        }) {
      assertError(
          post(
              "/jobs",
              "application/json",
              bytes("{\"model\":\"z\",\"dataset\":\"d\",\"initFrom\":" + initFrom + "}")),
          400,
          "INVALID_INIT_FROM");
    }
    assertError(post("/jobs/Bad..Id/cancel", null, new byte[0]), 400, "INVALID_JOB_ID");
  }

  /** The query parameters of {@code POST /translate}, and the file name of an upload. */
  private static final List<String> TRANSLATE_QUERY =
      List.of("model", "direction", "version", "requestId", "filename");

  static Stream<Arguments> poisonedParameters() {
    List<Arguments> out = new ArrayList<>();
    for (Endpoint e : HttpApi.ENDPOINTS) {
      for (String part : e.parts()) {
        if (part.startsWith("{")) {
          out.add(Arguments.of(e, "path", part.substring(1, part.length() - 1)));
        }
      }
      if (e.template().equals("/translate")) {
        TRANSLATE_QUERY.forEach(q -> out.add(Arguments.of(e, "query", q)));
      }
      if (e.template().equals("/datasets/{dataset}/{domain}") && e.method().equals("POST")) {
        out.add(Arguments.of(e, "query", "filename"));
      }
    }
    return out.stream();
  }

  /**
   * Every path and query parameter with CR/LF and a forged log line in it: refused with a 400
   * problem before anything is stored or published, and no log line (message or logging context)
   * starts with the forged text.
   */
  @ParameterizedTest(name = "{0} with CR/LF in {1} parameter {2}")
  @MethodSource("poisonedParameters")
  void shouldRefuseCrLfAndForgeNoLogLineWhenAParameterCarriesIt(
      Endpoint endpoint, String where, String parameter, LocalStack stack) throws Exception {
    String id = id();
    String marker = "FORGED-" + id;
    String poison = "x" + id + "%0d%0a" + marker + "%20INFO%20all%20is%20well";
    Map<String, String> values = new java.util.HashMap<>();
    values.put("dataset", "ds-" + id);
    values.put("domain", "A");
    values.put("requestId", "rq-" + id);
    values.put("jobId", "job-" + id);
    values.put("model", "m-" + id);
    values.put("importId", "imp-" + id);
    values.put("direction", "a2b");
    values.put("topic", "cyclegan.images.in");
    values.put("version", "v1");
    Map<String, String> query = new java.util.LinkedHashMap<>();
    if (endpoint.template().equals("/translate")) {
      query.put("model", "m-" + id);
      query.put("direction", "AtoB");
      query.put("requestId", "rq-" + id);
    }
    if ("path".equals(where)) {
      values.put(parameter, poison);
    } else {
      query.put(parameter, poison);
    }
    StringBuilder path = new StringBuilder(endpoint.path(values));
    String sep = "?";
    for (Map.Entry<String, String> q : query.entrySet()) {
      path.append(sep).append(q.getKey()).append('=').append(q.getValue());
      sep = "&";
    }
    HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.noBody();
    String contentType = null;
    if (endpoint.method().equals("PUT")) {
      contentType = "application/octet-stream";
      body = HttpRequest.BodyPublishers.ofByteArray(new byte[] {1, 2, 3});
    } else if (endpoint.template().startsWith("/models/")) {
      contentType = "application/json";
      body = HttpRequest.BodyPublishers.ofString("{}");
    } else if (endpoint.template().startsWith("/dead-letters/")) {
      contentType = "application/json";
      body = HttpRequest.BodyPublishers.ofString("{\"dryRun\":true}");
    } else if (endpoint.method().equals("POST") && !endpoint.template().endsWith("/cancel")) {
      contentType = "image/png";
      body = HttpRequest.BodyPublishers.ofByteArray(TestImages.png(16, 16, 3));
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(path.toString())).method(endpoint.method(), body);
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }

    HttpResponse<byte[]> response;
    try (LogCapture logs = new LogCapture()) {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(logs.forgedLines(marker)).as("forged log lines").isEmpty();
    }

    assertThat(response.statusCode())
        .as(new String(response.body(), StandardCharsets.UTF_8))
        .isEqualTo(400);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    for (String prefix :
        List.of("datasets/ds-" + id, "datasets/x" + id, "requests/", "imports/", "jobs/")) {
      assertThat(store.list(prefix)).noneMatch(k -> k.key().contains(id));
    }
    for (String topic : List.of(TOPICS.translateRequests(), TOPICS.trainingCommands())) {
      try (TopicTap tap = new TopicTap(stack, topic)) {
        assertThat(
                tap.drain(
                    r ->
                        (r.key() != null
                                && new String(r.key(), StandardCharsets.UTF_8).contains(id))
                            || new String(r.value(), StandardCharsets.UTF_8).contains(id)))
            .as("records on %s", topic)
            .isEmpty();
      }
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void shouldListModelsWithTheirLatestAnnouncementWhenPresent(LocalStack stack) throws Exception {
    String announced = "mdl-" + id();
    String unannounced = "mdl-" + id();
    store.putJson(
        ObjectKeys.modelLatest(announced),
        ModelAnnouncement.of(
            announced,
            "v3",
            stack.bucket(),
            ObjectKeys.modelVersionPrefix(announced, "v3"),
            64,
            "job-1",
            Map.of()));
    store.put(
        ObjectKeys.modelGenerators(unannounced, "v1"),
        new byte[] {1, 2, 3},
        "application/octet-stream");

    JsonNode models = json(get("/models")).get("models");
    JsonNode one = json(get("/models/" + announced));
    JsonNode bare = json(get("/models/" + unannounced));

    assertThat(models)
        .anySatisfy(
            m -> {
              assertThat(m.get("name").asText()).isEqualTo(announced);
              assertThat(m.get("latest").get("version").asText()).isEqualTo("v3");
            })
        .anySatisfy(
            m -> {
              assertThat(m.get("name").asText()).isEqualTo(unannounced);
              assertThat(m.get("latest")).isNull();
            });
    // One model, as an item of the list.
    assertThat(one.get("name").asText()).isEqualTo(announced);
    assertThat(one.get("latest").get("version").asText()).isEqualTo("v3");
    assertThat(bare.get("name").asText()).isEqualTo(unannounced);
    assertThat(bare.get("latest")).isNull();
    assertError(get("/models/none-" + id()), 404, "NOT_FOUND");
  }

  @Test
  void shouldAnswerUnknownPathsAndMethodsWithJsonErrors() throws Exception {
    assertError(get("/nothing/here"), 404, "NOT_FOUND");
    HttpResponse<byte[]> wrongMethod = get("/translate");
    assertError(wrongMethod, 405, "METHOD_NOT_ALLOWED");
    assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("POST");

    HttpResponse<String> ready =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + service.metricsPort() + "/readyz"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).contains("images-consumer ok");
  }
}
