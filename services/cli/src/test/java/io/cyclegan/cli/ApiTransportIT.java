package io.cyclegan.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.cyclegan.cli.connect.ApiClient;
import io.cyclegan.cli.local.LocalPipeline;
import io.cyclegan.common.image.TestImages;
import io.cyclegan.common.messages.DeadLetter;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.messages.ModelAnnouncement;
import io.cyclegan.common.messages.Topics;
import io.cyclegan.common.messages.TranslateResult;
import io.cyclegan.common.queue.QueueSnapshot;
import io.cyclegan.common.queue.QueueSnapshots;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.common.testkit.LogCapture;
import io.cyclegan.common.testkit.StackKit;
import io.cyclegan.common.trace.TraceContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI over the HTTP transport (issue 13 part 2): the same commands against the real ingest API
 * of a local pipeline, with no Kafka or S3 address given, only the API's URL and token.
 */
class ApiTransportIT {
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String TRACEPARENT = "00-" + TRACE_ID + "-00f067aa0ba902b7-01";
  private static final Path FIXTURES = Path.of("../cyclegan-model/src/test/resources/interop");
  private static LocalPipeline pipeline;
  private static Map<String, String> env;

  @BeforeAll
  static void start() {
    pipeline = LocalPipeline.start(LocalPipeline.Ports.ANY, null, true);
    env =
        Map.of(
            "CYCLEGAN_API_URL",
            "http://127.0.0.1:" + pipeline.httpPort(),
            "CYCLEGAN_API_TOKEN",
            pipeline.apiToken().orElseThrow());
  }

  @AfterAll
  static void stop() {
    pipeline.close();
  }

  @Test
  void shouldUploadADatasetOverTheApiReportingEachRejection(@TempDir Path dir) throws Exception {
    Files.write(dir.resolve("a.png"), TestImages.png(16, 16, 1));
    Files.write(dir.resolve("b.png"), TestImages.truncate(TestImages.png(16, 16, 2), 0.5));

    CliRun.Result upload =
        CliRun.runPlain(env, "dataset", "upload", "api-ds", "--domain", "A", dir.toString());

    assertThat(upload.exitCode()).as(upload.toString()).isEqualTo(ExitCodes.FAILED);
    assertThat(upload.out())
        .contains("dataset api-ds, domain A: 1 accepted, 1 rejected")
        .containsPattern("rejected b.png: HTTP API answered 400 (TRUNCATED|CORRUPT)");
  }

  @Test
  void shouldStartReadAndCancelAJobOverTheApi() {
    CliRun.Result train =
        CliRun.runPlain(
            env, "train", "--job", "api-job", "--model", "m", "--dataset", "nothing-here");
    CliRun.Result cancel = CliRun.runPlain(env, "cancel", "api-job");

    assertThat(train.exitCode()).as(train.toString()).isEqualTo(ExitCodes.OK);
    assertThat(train.out()).contains("submitted job api-job over the HTTP API");
    assertThat(cancel.exitCode()).as(cancel.toString()).isEqualTo(ExitCodes.OK);
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              CliRun.Result job = CliRun.runPlain(env, "job", "api-job", "-o", "json");
              assertThat(job.exitCode()).as(job.toString()).isEqualTo(ExitCodes.OK);
              assertThat(job.out()).contains("\"jobId\" : \"api-job\"");
            });
    CliRun.Result missing = CliRun.runPlain(env, "job", "no-such-job");
    assertThat(missing.exitCode()).isEqualTo(ExitCodes.FAILED);
    assertThat(missing.err()).contains("no job no-such-job");

    CliRun.Result jobs = CliRun.runPlain(env, "jobs", "-o", "json");
    assertThat(jobs.exitCode()).as(jobs.toString()).isEqualTo(ExitCodes.OK);
    assertThat(jobs.out()).contains("\"id\" : \"api-job\"");
    // The cancel is a command like the start: the job reaches its final state when a worker reads
    // it.
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(CliRun.runPlain(env, "jobs").out())
                    .containsPattern("(?m)^api-job +(cancelled|failed|completed)"));
  }

  @Test
  void shouldFollowAJobToItsFinalStateOverTheEventStream() {
    // No such dataset: the worker accepts the job, then fails it; the stream tells both.
    CliRun.Result train =
        CliRun.runPlain(
            env,
            "train",
            "--job",
            "api-follow",
            "--model",
            "m",
            "--dataset",
            "nothing-here",
            "--follow",
            "--follow-timeout",
            "120");
    CliRun.Result again =
        CliRun.runPlain(
            env,
            "train",
            "--job",
            "api-follow",
            "--model",
            "m",
            "--dataset",
            "nothing-here",
            "--follow");
    CliRun.Result job = CliRun.runPlain(env, "job", "api-follow", "--follow", "-o", "json");

    assertThat(train.exitCode()).as(train.toString()).isEqualTo(ExitCodes.FAILED);
    assertThat(train.out()).contains("submitted job api-follow").contains("api-follow failed");
    assertThat(again.exitCode()).as(again.toString()).isEqualTo(ExitCodes.EXISTS);
    assertThat(again.out()).contains("job api-follow already exists (state: failed)");
    assertThat(job.exitCode()).as(job.toString()).isEqualTo(ExitCodes.FAILED);
    assertThat(job.out()).contains("\"state\" : \"failed\"").contains("api-follow failed");
  }

  /**
   * Over the HTTP API the follower sees state documents, not the started event's headers: the line
   * of a running job says where it runs from the document, as the Kafka follower's started line
   * does, and leaves out what the worker would not write.
   */
  @Test
  void shouldSayWhereAFollowedJobRunsOverTheApi() throws Exception {
    ObjectStore store = StackKit.store(pipeline.stack());
    Map<String, Object> running = stateDocument("api-where", "running", 3, 40);
    running.put("device", "cpu()");
    running.put("intraOpThreads", 1);
    store.putJson(ObjectKeys.jobState("api-where"), running);
    Map<String, Object> forged = new LinkedHashMap<>(running);
    forged.put("jobId", "api-forged");
    forged.put("device", "cpu()\u001b[2J");
    forged.put("intraOpThreads", "1; more");
    store.putJson(ObjectKeys.jobState("api-forged"), forged);

    CliRun.Result where =
        CliRun.runPlain(env, "job", "api-where", "--follow", "--follow-timeout", "2");
    CliRun.Result other =
        CliRun.runPlain(env, "job", "api-forged", "--follow", "--follow-timeout", "2");

    assertThat(where.exitCode()).as(where.toString()).isEqualTo(ExitCodes.TIMEOUT);
    assertThat(where.out())
        .containsPattern(
            "(?m)^api-where running epoch 3 step 40"
                + " on cpu\\(\\) with 1 libtorch intra-op thread\\(s\\)$");
    assertThat(other.exitCode()).as(other.toString()).isEqualTo(ExitCodes.TIMEOUT);
    assertThat(other.out()).containsPattern("(?m)^api-forged running epoch 3 step 40$");
  }

  /**
   * What other parties wrote (here a state document in the store) reaches the terminal without a
   * character the terminal would act on: escape sequences, a bell, a line break in a line.
   */
  @Test
  void shouldPrintNoControlCharacterOfAStoredJobWhenListedOrFollowed() throws Exception {
    ObjectStore store = StackKit.store(pipeline.stack());
    Map<String, Object> doc = stateDocument("api-escape", "failed\u001b]0;owned\u0007", 1, 2);
    doc.put("error", "bad\u001b[2J\r\nFORGED line");
    store.putJson(ObjectKeys.jobState("api-escape"), doc);

    CliRun.Result jobs = CliRun.runPlain(env, "jobs", "--all");
    CliRun.Result job =
        CliRun.runPlain(env, "job", "api-escape", "--follow", "--follow-timeout", "2");

    assertThat(jobs.exitCode()).as(jobs.toString()).isEqualTo(ExitCodes.OK);
    assertThat(jobs.out())
        .containsPattern("(?m)^api-escape +failed\\\\u001b]0;owned\\\\u0007")
        .doesNotContain("\u001b", "\u0007");
    assertThat(job.out())
        .contains(
            "api-escape failed\\u001b]0;owned\\u0007 epoch 1 step 2:"
                + " bad\\u001b[2J\\r\\nFORGED line")
        .doesNotContain("\u001b", "\u0007")
        .doesNotContainPattern("(?m)^FORGED");
  }

  /** A job's state document as a test writes it to the store; add fields to taste. */
  private static Map<String, Object> stateDocument(
      String jobId, String state, int epoch, int step) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("jobId", jobId);
    doc.put("state", state);
    doc.put("epoch", epoch);
    doc.put("step", step);
    return doc;
  }

  @Test
  void shouldListEveryPageOfAListOverTheApi(@TempDir Path dir) throws Exception {
    Files.write(dir.resolve("a.png"), TestImages.png(16, 16, 7));
    for (String ds : List.of("page-1", "page-2", "page-3")) {
      CliRun.Result up =
          CliRun.runPlain(env, "dataset", "upload", ds, "--domain", "B", dir.toString());
      assertThat(up.exitCode()).as(up.toString()).isEqualTo(ExitCodes.OK);
    }
    ApiClient api =
        new ApiClient(URI.create(env.get("CYCLEGAN_API_URL")), env.get("CYCLEGAN_API_TOKEN"));

    // A page of one item at a time: only following `next` finds them all.
    List<String> paged =
        api.getList("/datasets", "datasets", 0, 1).orElseThrow().stream()
            .map(d -> d.path("name").asText())
            .toList();
    // --all follows every page, here pages of one.
    CliRun.Result all = CliRun.runPlain(env, "datasets", "--all", "--limit", "1");
    CliRun.Result two = CliRun.runPlain(env, "datasets", "--limit", "2", "-o", "json");

    assertThat(paged).contains("page-1", "page-2", "page-3").doesNotHaveDuplicates();
    assertThat(all.exitCode()).as(all.toString()).isEqualTo(ExitCodes.OK);
    assertThat(all.out()).containsPattern("(?m)^page-2 +0 +1$");
    assertThat(two.exitCode()).as(two.toString()).isEqualTo(ExitCodes.OK);
    assertThat(MessageCodec.mapper().readTree(two.out()).path("datasets").size()).isEqualTo(2);
  }

  /**
   * Issue 17 part 1: each list, one page per call, prints the same page over the HTTP API as over
   * Kafka and S3, and the cursor one page printed continues on either transport.
   */
  @Test
  void shouldListEachListAPageAtATimeTheSameOverBothTransports() throws Exception {
    String p = "same-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    // Written straight to the pipeline's store, as ingest and the training worker write them.
    ObjectStore store = StackKit.store(pipeline.stack());
    for (String name : List.of(p + "a", p + "b", p + "c")) {
      store.putJson(
          ObjectKeys.datasetSummary(name),
          Map.of(
              "schema", "cyclegan.dataset.summary/v1", "dataset", name, "counts", Map.of("A", 3)));
      store.put(
          ObjectKeys.datasetImage(p + "a", "A", name.substring(name.length() - 1).repeat(64)),
          TestImages.png(16, 16, 1),
          "image/png");
      store.putJson(
          ObjectKeys.jobState(name),
          Map.of("jobId", name, "state", "completed", "epoch", 2, "step", 10));
      store.put(
          ObjectKeys.modelLatest(name),
          MessageCodec.encode(
              ModelAnnouncement.of(
                  name, "v1", store.bucket(), "models/" + name + "/v1/", 32, "j", Map.of())),
          "application/json");
    }

    Map<List<String>, String> lists = new LinkedHashMap<>();
    lists.put(List.of("datasets"), p);
    lists.put(List.of("jobs"), p);
    lists.put(List.of("models"), p);
    lists.put(List.of("dataset", "images", p + "a", "--domain", "A"), null);
    for (Map.Entry<List<String>, String> list : lists.entrySet()) {
      String[] firstPage = args(list.getKey(), list.getValue(), 2);
      CliRun.Result overApi = CliRun.runPlain(env, firstPage);
      CliRun.Result direct = CliRun.run(pipeline.stack(), firstPage);

      assertThat(overApi.exitCode()).as(overApi.toString()).isEqualTo(ExitCodes.OK);
      assertThat(direct.exitCode()).as(direct.toString()).isEqualTo(ExitCodes.OK);
      JsonNode first = MessageCodec.mapper().readTree(overApi.out());
      String kind = first.fieldNames().next();
      assertThat(overApi.out()).as(list.getKey().toString()).isEqualTo(direct.out());
      assertThat(first.path(kind).size()).as(overApi.out()).isEqualTo(2);
      String next = first.path("next").asText();
      assertThat(next).as(overApi.out()).isNotEmpty();

      // The cursor a page printed continues on either transport.
      String[] secondPage = args(list.getKey(), next, 1);
      JsonNode apiSecond = MessageCodec.mapper().readTree(CliRun.runPlain(env, secondPage).out());
      JsonNode directSecond =
          MessageCodec.mapper().readTree(CliRun.run(pipeline.stack(), secondPage).out());
      assertThat(apiSecond).as(list.getKey().toString()).isEqualTo(directSecond);
      assertThat(apiSecond.path(kind)).hasSize(1);
      assertThat(first.path(kind)).doesNotContain(apiSecond.path(kind).get(0));
    }
  }

  /**
   * {@code cyclegan jobs --api} shows each job's place in the training fleet's queue (its position
   * while it waits, its worker while one runs it) as the direct transport does: both read the one
   * snapshot, {@code training/queue.json}. The pipeline's own training worker rewrites the snapshot
   * when its view changes, so two jobs are added to what it wrote, until both transports have
   * listed them from the same snapshot.
   */
  @Test
  void shouldShowTheSameQueuePlacesOverBothTransports() {
    String p = "queued-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    ObjectStore store = StackKit.store(pipeline.stack());
    store.putJson(
        ObjectKeys.jobState(p + "a"),
        Map.of("jobId", p + "a", "state", "accepted", "epoch", 0, "step", 0));
    store.putJson(
        ObjectKeys.jobState(p + "b"),
        Map.of("jobId", p + "b", "state", "running", "epoch", 1, "step", 7));
    String[] page = args(List.of("jobs"), p, 2);

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              QueueSnapshot fleet =
                  QueueSnapshots.read(store)
                      .orElse(new QueueSnapshot(QueueSnapshot.SCHEMA, null, List.of(), List.of()));
              List<QueueSnapshot.Waiting> waiting = new ArrayList<>(fleet.waiting());
              waiting.add(new QueueSnapshot.Waiting(p + "a", waiting.size() + 1, Instant.now()));
              List<QueueSnapshot.Running> running = new ArrayList<>(fleet.running());
              running.add(new QueueSnapshot.Running(p + "b", "training-7", 3, Instant.now()));
              QueueSnapshots.write(
                  store, new QueueSnapshot(QueueSnapshot.SCHEMA, Instant.now(), waiting, running));

              CliRun.Result overApi = CliRun.runPlain(env, page);
              CliRun.Result direct = CliRun.run(pipeline.stack(), page);

              assertThat(overApi.exitCode()).as(overApi.toString()).isEqualTo(ExitCodes.OK);
              assertThat(overApi.out()).isEqualTo(direct.out());
              JsonNode jobs = MessageCodec.mapper().readTree(overApi.out()).get("jobs");
              assertThat(jobs.get(0).get("place").asText())
                  .isEqualTo("queued " + waiting.size() + "/" + waiting.size());
              assertThat(jobs.get(1).get("place").asText()).isEqualTo("on training-7");
            });
  }

  /** A listing command with {@code --after} (unless null), {@code --limit} and {@code -o json}. */
  private static String[] args(List<String> command, String after, int limit) {
    List<String> args = new ArrayList<>(command);
    if (after != null) {
      args.addAll(List.of("--after", after));
    }
    args.addAll(List.of("--limit", String.valueOf(limit), "-o", "json"));
    return args.toArray(String[]::new);
  }

  @Test
  void shouldImportPyTorchGeneratorsOverTheApiAndReportARefusedFile() {
    CliRun.Result imported =
        CliRun.runPlain(
            env,
            "models",
            "import",
            "api-imported",
            "--a2b",
            FIXTURES.resolve("generator.pth").toString(),
            "--image-size",
            "32",
            "--version",
            "v1");
    CliRun.Result evil =
        CliRun.runPlain(
            env,
            "models",
            "import",
            "api-evil",
            "--a2b",
            FIXTURES.resolve("malicious.pth").toString());
    CliRun.Result models = CliRun.runPlain(env, "models");

    assertThat(imported.exitCode()).as(imported.toString()).isEqualTo(ExitCodes.OK);
    assertThat(imported.out()).contains("imported api-imported version v1");
    assertThat(models.out()).containsPattern("(?m)^api-imported +v1 +32 ");
    assertThat(evil.exitCode()).as(evil.toString()).isEqualTo(ExitCodes.FAILED);
    assertThat(evil.out()).contains("global os.system").contains("not allowed");
  }

  @Test
  void shouldExportAVersionOverTheApiAsTheDirectTransportWritesIt(@TempDir Path out)
      throws Exception {
    String pth = FIXTURES.resolve("generator.pth").toString();
    CliRun.Result imported =
        CliRun.runPlain(
            env,
            "models",
            "import",
            "api-exported",
            "--a2b",
            pth,
            "--image-size",
            "32",
            // Another test imports a v1 of another model: the API gives each (model, version)
            // its own import job.
            "--version",
            "v1");
    assertThat(imported.exitCode()).as(imported.toString()).isEqualTo(ExitCodes.OK);

    CliRun.Result exported =
        CliRun.runPlain(
            env, "models", "export", "api-exported", "--format", "pth", "--out", out.toString());
    CliRun.Result missing =
        CliRun.runPlain(
            env,
            "models",
            "export",
            "api-exported",
            "--version",
            "v9",
            "--format",
            "pth",
            "--out",
            out.toString());

    assertThat(exported.exitCode()).as(exported.toString()).isEqualTo(ExitCodes.OK);
    assertThat(exported.out()).contains("exported api-exported version v1");
    // Imported in one direction: G_A only, as the direct transport writes it.
    assertThat(out.resolve("latest_net_G_B.pth")).doesNotExist();
    io.cyclegan.model.interop.StateDict original =
        io.cyclegan.model.interop.PthReader.read(Path.of(pth));
    io.cyclegan.model.interop.StateDict back =
        io.cyclegan.model.interop.PthReader.read(out.resolve("latest_net_G_A.pth"));
    assertThat(back.tensors().keySet()).containsExactlyElementsOf(original.tensors().keySet());
    original
        .tensors()
        .forEach(
            (k, v) ->
                assertThat(java.util.Arrays.equals(back.tensors().get(k).data(), v.data()))
                    .as(k)
                    .isTrue());
    assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(ExitCodes.USAGE);
    assertThat(missing.err()).contains("has no version v9");
  }

  @Test
  void shouldTranslateOverTheApiAndReportTheResultsError(@TempDir Path dir) throws Exception {
    Path input = dir.resolve("horse.png");
    Files.write(input, TestImages.png(16, 16, 3));

    CliRun.Result translate =
        CliRun.runPlain(
            env,
            "translate",
            "--model",
            "absent",
            input.toString(),
            "--out",
            dir.resolve("out").toString(),
            "--timeout",
            "60");
    CliRun.Result models = CliRun.runPlain(env, "models", "-o", "json");

    assertThat(translate.exitCode()).as(translate.toString()).isEqualTo(ExitCodes.FAILED);
    assertThat(translate.out()).contains("error   horse.png: UNKNOWN_MODEL");
    assertThat(models.exitCode()).as(models.toString()).isEqualTo(ExitCodes.OK);
    assertThat(models.out()).contains("\"models\" : [");
  }

  @Test
  void shouldRefuseAWrongTokenWithTheApisReason() {
    CliRun.Result result =
        CliRun.runPlain(
            Map.of(
                "CYCLEGAN_API_URL", env.get("CYCLEGAN_API_URL"), "CYCLEGAN_API_TOKEN", "cgt_wrong"),
            "models");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILED);
    assertThat(result.err()).contains("HTTP API answered 401 INVALID_TOKEN").doesNotContain("cgt_");
  }

  // --- issue 13 part 9: trace context

  @Test
  void shouldCarryTheRequestsTraceparentToTheResultAndIntoBothServicesLogs() throws Exception {
    try (LogCapture logs = new LogCapture();
        StackKit kit = new StackKit(pipeline.stack());
        KafkaConsumer<byte[], byte[]> results =
            kit.consumerAtEnd(Topics.fromEnv(Map.of()).translateResults(), null)) {
      // No model of that name: the inference worker answers with an error result, which is
      // enough to follow the request through both services without training one.
      HttpResponse<String> traced = translateOverHttp("traced-1", TRACEPARENT);
      HttpResponse<String> malformed = translateOverHttp("malformed-1", "00-not-a-trace");

      assertThat(traced.statusCode()).as(traced.body()).isEqualTo(202);
      assertThat(traced.headers().firstValue(TraceContext.HEADER)).contains(TRACEPARENT);
      assertThat(malformed.statusCode()).as(malformed.body()).isEqualTo(202);
      String replacement = malformed.headers().firstValue(TraceContext.HEADER).orElseThrow();
      assertThat(TraceContext.parse(replacement)).isNotNull();

      List<ConsumerRecord<byte[], byte[]>> seen = new ArrayList<>();
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                results.poll(Duration.ofMillis(200)).forEach(seen::add);
                assertThat(seen).extracting(r -> key(r)).contains("traced-1", "malformed-1");
              });
      ConsumerRecord<byte[], byte[]> result = recordOf(seen, "traced-1");
      assertThat(MessageCodec.decode(result.value(), TranslateResult.class).reason())
          .isEqualTo("UNKNOWN_MODEL");
      TraceContext onResult = TraceContext.parse(header(result));
      assertThat(onResult.traceId()).isEqualTo(TRACE_ID);
      assertThat(onResult.spanId()).isNotEqualTo("00f067aa0ba902b7");
      assertThat(TraceContext.parse(header(recordOf(seen, "malformed-1"))).traceId())
          .isEqualTo(TraceContext.parse(replacement).traceId());

      assertThat(logs.loggersWith(TraceContext.MDC_KEY, TRACE_ID))
          .anyMatch(name -> name.startsWith("io.cyclegan.ingest."))
          .anyMatch(name -> name.startsWith("io.cyclegan.inference."));
    }
  }

  /**
   * A job started over the HTTP API stays in the request's trace through the training worker: its
   * events carry the trace id, and the worker's log lines about it too.
   */
  @Test
  void shouldCarryAJobRequestsTraceparentToTheJobsEventsAndTheTrainingWorkersLogs()
      throws Exception {
    String traceId = "0af7651916cd43dd8448eb211c80319c";
    String jobId = "api-traced-" + UUID.randomUUID().toString().substring(0, 8);
    try (LogCapture logs = new LogCapture();
        StackKit kit = new StackKit(pipeline.stack());
        KafkaConsumer<byte[], byte[]> events =
            kit.consumerAtEnd(Topics.fromEnv(Map.of()).trainingEvents(), null)) {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pipeline.httpPort() + "/jobs"))
              .header("Authorization", "Bearer " + pipeline.apiToken().orElseThrow())
              .header("Content-Type", "application/json")
              .header(TraceContext.HEADER, "00-" + traceId + "-b7ad6b7169203331-01")
              .POST(
                  HttpRequest.BodyPublishers.ofString(
                      "{\"jobId\":\"" + jobId + "\",\"model\":\"m\",\"dataset\":\"nothing-here\"}"))
              .build();
      HttpResponse<String> started =
          HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
      assertThat(started.statusCode()).as(started.body()).isEqualTo(202);

      // No such dataset: the job is accepted, then fails, which is enough to follow it.
      List<ConsumerRecord<byte[], byte[]>> seen = new ArrayList<>();
      await()
          .atMost(Duration.ofSeconds(90))
          .untilAsserted(
              () -> {
                events.poll(Duration.ofMillis(200)).forEach(seen::add);
                assertThat(seen.stream().filter(r -> jobId.equals(key(r))).map(r -> r.value()))
                    .anyMatch(v -> new String(v, StandardCharsets.UTF_8).contains("\"failed\""));
              });
      List<ConsumerRecord<byte[], byte[]>> ofJob =
          seen.stream().filter(r -> jobId.equals(key(r))).toList();
      assertThat(ofJob).hasSizeGreaterThanOrEqualTo(2);
      for (ConsumerRecord<byte[], byte[]> event : ofJob) {
        assertThat(TraceContext.parse(header(event)).traceId()).isEqualTo(traceId);
      }
      assertThat(logs.loggersWith(TraceContext.MDC_KEY, traceId))
          .anyMatch(name -> name.startsWith("io.cyclegan.ingest."))
          .anyMatch(name -> name.startsWith("io.cyclegan.training."));
    }
  }

  private static HttpResponse<String> translateOverHttp(String requestId, String traceparent)
      throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:"
                        + pipeline.httpPort()
                        + "/translate?model=absent&requestId="
                        + requestId))
            .header("Authorization", "Bearer " + pipeline.apiToken().orElseThrow())
            .header("Content-Type", "image/png")
            .header(TraceContext.HEADER, traceparent)
            .POST(HttpRequest.BodyPublishers.ofByteArray(TestImages.png(16, 16)))
            .build();
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static ConsumerRecord<byte[], byte[]> recordOf(
      List<ConsumerRecord<byte[], byte[]>> records, String key) {
    return records.stream().filter(r -> key.equals(key(r))).findFirst().orElseThrow();
  }

  private static String key(ConsumerRecord<byte[], byte[]> r) {
    return r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
  }

  private static String header(ConsumerRecord<byte[], byte[]> r) {
    Header h = r.headers().lastHeader(TraceContext.HEADER);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  @Test
  void shouldListDeadLettersOverTheApiFollowingEveryPage() throws Exception {
    String dlq = Topics.DEFAULTS.dlq(Topics.DEFAULTS.imagesIn());
    List<String> keys = new ArrayList<>();
    try (StackKit kit = new StackKit(pipeline.stack());
        KafkaProducer<byte[], byte[]> producer = kit.producer()) {
      for (int i = 0; i < 3; i++) {
        String key = "api-dlq-" + UUID.randomUUID();
        keys.add(key);
        ConsumerRecord<byte[], byte[]> source =
            new ConsumerRecord<>(
                Topics.DEFAULTS.imagesIn(),
                0,
                i,
                key.getBytes(StandardCharsets.UTF_8),
                new byte[1]);
        producer
            .send(
                DeadLetter.of("decode", "INVALID_IMAGE", "not an image", source)
                    .toRecord(dlq, source))
            .get();
      }
    }
    ApiClient api =
        new ApiClient(URI.create(env.get("CYCLEGAN_API_URL")), env.get("CYCLEGAN_API_TOKEN"));

    List<String> paged =
        api.getList("/dead-letters/" + dlq, "letters", 0, 1).orElseThrow().stream()
            .map(d -> d.path("key").asText())
            .toList();
    CliRun.Result json =
        CliRun.runPlain(
            env, "dlq", "list", Topics.DEFAULTS.imagesIn(), "--verbose", "--all", "-o", "json");
    CliRun.Result table = CliRun.runPlain(env, "dlq", "list", dlq, "--verbose", "--all");
    CliRun.Result unknown = CliRun.runPlain(env, "dlq", "list", "no.such.topic");

    // Its own keys: other tests' records (a replayed one dead-lettered again) share the topic.
    assertThat(paged.stream().filter(keys::contains)).containsExactlyInAnyOrderElementsOf(keys);
    assertThat(json.exitCode()).as(json.toString()).isEqualTo(ExitCodes.OK);
    JsonNode doc = MessageCodec.mapper().readTree(json.out());
    List<String> listed = new ArrayList<>();
    doc.path("letters").forEach(l -> listed.add(l.path("key").asText()));
    assertThat(listed.stream().filter(keys::contains)).containsExactlyInAnyOrderElementsOf(keys);
    assertThat(table.exitCode()).as(table.toString()).isEqualTo(ExitCodes.OK);
    assertThat(table.out())
        .containsPattern("(?m)^ +\\d+  decode: not an image$")
        .contains("key=" + keys.get(0) + " source=" + Topics.DEFAULTS.imagesIn() + "/0@0");
    assertThat(unknown.exitCode()).isNotEqualTo(ExitCodes.OK);
    assertThat(unknown.err()).contains("no.such.topic is not a topic of the pipeline");
  }

  @Test
  void shouldReplayMatchingDeadLettersOverTheApiOntoTheirSourceTopic() throws Exception {
    String imagesIn = Topics.DEFAULTS.imagesIn();
    String dlq = Topics.DEFAULTS.dlq(imagesIn);
    String needle = "needle-" + UUID.randomUUID();
    String key = "api-replay-" + UUID.randomUUID();
    try (StackKit kit = new StackKit(pipeline.stack());
        KafkaProducer<byte[], byte[]> producer = kit.producer()) {
      for (String[] letter : new String[][] {{key, needle}, {key + "-other", "not an image"}}) {
        ConsumerRecord<byte[], byte[]> source =
            new ConsumerRecord<>(
                imagesIn, 0, 0, letter[0].getBytes(StandardCharsets.UTF_8), new byte[] {7});
        source.headers().add("cg-purpose", "dataset".getBytes(StandardCharsets.UTF_8));
        producer
            .send(DeadLetter.of("decode", "INVALID_IMAGE", letter[1], source).toRecord(dlq, source))
            .get();
      }
    }

    CliRun.Result dryRun =
        CliRun.runPlain(env, "dlq", "replay", imagesIn, "--where-error", needle, "--dry-run");
    CliRun.Result replay = CliRun.runPlain(env, "dlq", "replay", dlq, "--where-error", needle);

    assertThat(dryRun.exitCode()).as(dryRun.toString()).isEqualTo(ExitCodes.OK);
    assertThat(dryRun.out()).containsPattern("would replay 1 of \\d+ dead letters from " + dlq);
    assertThat(replay.exitCode()).as(replay.toString()).isEqualTo(ExitCodes.OK);
    assertThat(replay.out()).containsPattern("replayed 1 of \\d+ dead letters from " + dlq);
    try (StackKit kit = new StackKit(pipeline.stack())) {
      List<ConsumerRecord<byte[], byte[]>> replayed =
          kit.readAll(imagesIn).stream().filter(r -> key.equals(key(r))).toList();
      assertThat(replayed)
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r.value()).containsExactly(7);
                assertThat(r.headers().lastHeader("cg-purpose")).isNotNull();
                assertThat(r.headers().lastHeader("cg-error-message")).isNull();
                assertThat(r.headers().lastHeader("cg-source-topic")).isNull();
              });
    }
  }
}
