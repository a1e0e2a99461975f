package io.cyclegan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cyclegan.common.messages.CloudEvents;
import io.cyclegan.common.messages.DeadLetter;
import io.cyclegan.common.messages.Direction;
import io.cyclegan.common.messages.Headers;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.messages.ModelAnnouncement;
import io.cyclegan.common.messages.OutputFormat;
import io.cyclegan.common.messages.Topics;
import io.cyclegan.common.messages.TrainingCommand;
import io.cyclegan.common.messages.TrainingEvent;
import io.cyclegan.common.messages.TranslateResult;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.common.testkit.StackKit;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.LocalStackExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drives every CLI command against the embedded stack. The services are not on this module's class
 * path yet, so each test plays their part with plain Kafka clients and the object store: exactly
 * what the public contract lets any client rely on.
 */
@ExtendWith(LocalStackExtension.class)
class CliIT {
  private static final Topics TOPICS = Topics.DEFAULTS;

  private LocalStack stack;
  private StackKit clients;

  @org.junit.jupiter.api.AfterEach
  void disconnect() {
    clients.close();
  }

  @BeforeEach
  void connect(LocalStack stack) {
    this.stack = stack;
    this.clients = new StackKit(stack);
  }

  // --- dataset upload

  @Test
  void shouldReportAcceptedAndRejectedFilesWhenIngestDeadLettersOne(@TempDir Path dir)
      throws Exception {
    writeFiles(dir, "a.png", "b.png", "c.png");
    List<ConsumerRecord<byte[], byte[]>> seen = new CopyOnWriteArrayList<>();
    try (KafkaProducer<byte[], byte[]> dlq = clients.producer();
        FakeService ingest = fakeIngest(dlq, "b.png", "not a PNG, JPEG or WebP image", seen)) {
      CliRun.Result result =
          CliRun.run(stack, "dataset", "upload", "horses", "--domain", "A", dir.toString());

      assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.FAILED);
      assertThat(result.out())
          .contains("dataset horses, domain A: 2 accepted, 1 rejected")
          .contains("rejected b.png: not a PNG, JPEG or WebP image")
          .doesNotContain("a.png")
          .doesNotContain("c.png");
      assertThat(result.err()).contains("upload [").contains("3/3");
    }
    assertThat(seen)
        .extracting(r -> header(r, Headers.FILENAME))
        .containsExactlyInAnyOrder("a.png", "b.png", "c.png");
    assertThat(seen)
        .allSatisfy(
            r -> {
              assertThat(header(r, Headers.PURPOSE)).isEqualTo("dataset");
              assertThat(header(r, Headers.DATASET)).isEqualTo("horses");
              assertThat(header(r, Headers.DOMAIN)).isEqualTo("A");
            });
    assertThat(seen)
        .extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
        .doesNotHaveDuplicates();
  }

  @Test
  void shouldTimeOutWhenNoIngestServiceProcessesTheUpload(@TempDir Path dir) throws Exception {
    writeFiles(dir, "a.png");

    CliRun.Result result =
        CliRun.run(
            stack,
            "dataset",
            "upload",
            "horses",
            "--domain",
            "B",
            dir.toString(),
            "--ingest-group",
            "nobody-" + UUID.randomUUID(),
            "--timeout",
            "2");

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.TIMEOUT);
    assertThat(result.out()).contains("timed out after 2 s").contains("processed 0 of 1");
  }

  @Test
  void shouldRefuseAnInvalidDatasetNameBeforeSendingAnything(@TempDir Path dir) throws Exception {
    writeFiles(dir, "a.png");

    CliRun.Result result =
        CliRun.run(stack, "dataset", "upload", "../etc", "--domain", "A", dir.toString());

    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err()).contains("invalid dataset '../etc'");
  }

  // --- train and follow

  @Test
  void shouldSendOnlyGivenParamsAndExitZeroWhenFollowedJobCompletes() throws Exception {
    String job = "it-ok-" + shortId();
    seedDataset("it-follow-data", 4, 2);
    List<TrainingCommand> received = new CopyOnWriteArrayList<>();
    try (FakeService trainer =
        fakeTrainer(
            received,
            start ->
                List.of(
                    TrainingEvent.of(start.jobId(), TrainingEvent.Type.accepted),
                    TrainingEvent.of(start.jobId(), TrainingEvent.Type.started),
                    TrainingEvent.of(start.jobId(), TrainingEvent.Type.progress)
                        .withProgress(1, 5, losses(), 10.0, 2e-4),
                    TrainingEvent.of(start.jobId(), TrainingEvent.Type.completed)
                        .withModel(start.model(), "v1")))) {
      CliRun.Result result =
          CliRun.run(
              stack,
              "train",
              "--job",
              job,
              "--model",
              "zebra",
              "--dataset",
              "it-follow-data",
              "--epochs",
              "2",
              "--lr",
              "0.001",
              "--param",
              "poolSize=10",
              "--follow",
              "--follow-timeout",
              "60");

      assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.OK);
      // 2 + 100 default decay epochs of 4 steps (max(|A|, |B|) = 4, batch 1); 403 steps at 10/s.
      assertThat(result.out())
          .contains(job + " accepted")
          .contains(job + " epoch 1/102 step 5/408 D_A 0.100 G_A 0.200")
          .contains("10.0 img/s ETA 40s")
          .contains(job + " completed model zebra version v1");
    }
    assertThat(received).hasSize(1);
    assertThat(received.get(0).params())
        .containsExactlyInAnyOrderEntriesOf(Map.of("epochs", 2, "lr", 0.001, "poolSize", 10));
  }

  @Test
  void shouldExitOneAndPrintTheErrorWhenFollowedJobFails() throws Exception {
    String job = "it-fail-" + shortId();
    try (FakeService trainer =
        fakeTrainer(
            new CopyOnWriteArrayList<>(),
            start ->
                List.of(
                    TrainingEvent.of(start.jobId(), TrainingEvent.Type.accepted),
                    TrainingEvent.of(start.jobId(), TrainingEvent.Type.failed)
                        .withError("params.lr: expected a number > 0, got -1")))) {
      CliRun.Result result =
          CliRun.run(
              stack,
              "train",
              "--job",
              job,
              "--model",
              "zebra",
              "--dataset",
              "d",
              "--follow",
              "--follow-timeout",
              "60");

      assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.FAILED);
      assertThat(result.out()).contains(job + " failed: params.lr: expected a number > 0, got -1");
    }
  }

  @Test
  void shouldSayTheJobExistsWhenTheStartIsADuplicateDespiteAnOldCompletion() throws Exception {
    String job = "it-dup-" + shortId();
    // An earlier run's ending, written before this start: it must not decide this follow.
    try (KafkaProducer<byte[], byte[]> producer = clients.producer()) {
      producer
          .send(
              CloudEvents.record(
                  TOPICS.trainingEvents(),
                  job,
                  TrainingEvent.of(job, TrainingEvent.Type.completed),
                  "it"))
          .get();
    }
    try (FakeService trainer =
        fakeTrainer(
            new CopyOnWriteArrayList<>(),
            start -> List.of(TrainingEvent.of(start.jobId(), TrainingEvent.Type.duplicate)))) {
      CliRun.Result result =
          CliRun.run(
              stack,
              "train",
              "--job",
              job,
              "--model",
              "zebra",
              "--dataset",
              "d",
              "--follow",
              "--follow-timeout",
              "60");

      assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.EXISTS);
      assertThat(result.out()).contains("job " + job + " already exists (last event: completed)");
    }
  }

  @Test
  void shouldPublishACancelCommandForTheJob() throws Exception {
    String job = "it-cancel-" + shortId();
    try (KafkaConsumer<byte[], byte[]> commands =
        clients.consumerAtEnd(TOPICS.trainingCommands(), null)) {
      CliRun.Result result = CliRun.run(stack, "cancel", job);

      assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.OK);
      List<TrainingCommand> sent = new CopyOnWriteArrayList<>();
      org.awaitility.Awaitility.await()
          .untilAsserted(
              () -> {
                commands
                    .poll(java.time.Duration.ofMillis(100))
                    .forEach(r -> sent.add(MessageCodec.decode(r.value(), TrainingCommand.class)));
                assertThat(sent).extracting(TrainingCommand::jobId).contains(job);
              });
      assertThat(sent)
          .filteredOn(c -> c.jobId().equals(job))
          .singleElement()
          .satisfies(c -> assertThat(c.type()).isEqualTo(TrainingCommand.CANCEL));
    }
  }

  // --- translate

  @Test
  void shouldAskForJpegOutputsAndSaveThemAsJpgWhenGivenTheFormat(@TempDir Path dir)
      throws Exception {
    Path in = Files.createDirectories(dir.resolve("in"));
    writeFiles(in, "horse1.png");
    Path out = dir.resolve("out");
    List<ConsumerRecord<byte[], byte[]>> seen = new CopyOnWriteArrayList<>();
    try (FakeService worker = fakeTranslator(seen)) {
      CliRun.Result result =
          CliRun.run(
              stack,
              "translate",
              "--model",
              "zebra",
              "--format",
              "jpeg",
              in.resolve("horse1.png").toString(),
              "--out",
              out.toString(),
              "--timeout",
              "60");

      assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.OK);
    }
    assertThat(out.resolve("horse1-AtoB.jpg")).hasBinaryContent(translated("horse1.png"));
    assertThat(seen)
        .singleElement()
        .satisfies(r -> assertThat(header(r, Headers.OUTPUT_FORMAT)).isEqualTo("jpeg"));
  }

  @Test
  void shouldDownloadEveryOutputWhenAllTranslationsSucceed(@TempDir Path dir) throws Exception {
    Path in = Files.createDirectories(dir.resolve("in"));
    writeFiles(in, "horse1.png", "horse2.jpg");
    Path out = dir.resolve("out");
    List<ConsumerRecord<byte[], byte[]>> seen = new CopyOnWriteArrayList<>();
    try (FakeService worker = fakeTranslator(seen)) {
      CliRun.Result result =
          CliRun.run(
              stack,
              "translate",
              "--model",
              "zebra",
              "--direction",
              "BtoA",
              in.resolve("horse1.png").toString(),
              in.resolve("horse2.jpg").toString(),
              "--out",
              out.toString(),
              "--timeout",
              "60");

      assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.OK);
      assertThat(result.out()).contains("2 of 2 translated");
    }
    assertThat(out.resolve("horse1-BtoA.png")).hasBinaryContent(translated("horse1.png"));
    assertThat(out.resolve("horse2-BtoA.png")).hasBinaryContent(translated("horse2.jpg"));
    assertThat(seen)
        .allSatisfy(
            r -> {
              assertThat(header(r, Headers.PURPOSE)).isEqualTo("translate");
              assertThat(header(r, Headers.MODEL)).isEqualTo("zebra");
              assertThat(header(r, Headers.DIRECTION)).isEqualTo("BtoA");
              assertThat(header(r, Headers.REQUEST_ID))
                  .isEqualTo(new String(r.key(), StandardCharsets.UTF_8));
            });
  }

  @Test
  void shouldExitNonZeroAndNameTheErrorWhenATranslationFails(@TempDir Path dir) throws Exception {
    writeFiles(dir, "good.png", "broken.png");
    Path out = dir.resolve("out");
    try (FakeService worker = fakeTranslator(new CopyOnWriteArrayList<>())) {
      CliRun.Result result =
          CliRun.run(
              stack,
              "translate",
              "--model",
              "zebra",
              dir.resolve("good.png").toString(),
              dir.resolve("broken.png").toString(),
              "--out",
              out.toString(),
              "--timeout",
              "60");

      assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.FAILED);
      assertThat(result.out())
          .contains("error   broken.png: model zebra has no version")
          .contains("1 of 2 translated");
    }
    assertThat(out.resolve("good-AtoB.png")).hasBinaryContent(translated("good.png"));
    assertThat(out.resolve("broken-AtoB.png")).doesNotExist();
  }

  // --- dead letters

  @Test
  void shouldCountDeadLettersByStageAndReason() throws Exception {
    String source = "it.dlq-list." + shortId();
    seedDeadLetters(source);

    CliRun.Result result = CliRun.run(stack, "dlq", "list", source, "--verbose");

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.OK);
    assertThat(result.out())
        .contains(source + ".dlq: 3 dead letters")
        .containsPattern("\\s2  ingest: image too large")
        .containsPattern("\\s1  inference: model zebra not found")
        .contains("key=k2 source=" + source + "/0@12");
  }

  @Test
  void shouldListOnePageOverKafkaAndGoOnWhereItEndedWithItsCursor() throws Exception {
    String source = "it.dlq-pages." + shortId();
    seedDeadLetters(source);

    CliRun.Result first =
        CliRun.run(stack, "dlq", "list", source, "--limit", "2", "--verbose", "-o", "json");
    JsonNode firstDoc = MessageCodec.mapper().readTree(first.out());
    String cursor = firstDoc.path("next").asText(null);
    CliRun.Result second =
        CliRun.run(
            stack,
            "dlq",
            "list",
            source,
            "--limit",
            "2",
            "--after",
            cursor,
            "--verbose",
            "-o",
            "json");
    JsonNode secondDoc = MessageCodec.mapper().readTree(second.out());
    CliRun.Result table = CliRun.run(stack, "dlq", "list", source, "--limit", "1");

    assertThat(first.exitCode()).as(first.toString()).isEqualTo(ExitCodes.OK);
    assertThat(firstDoc.path("count").asInt()).isEqualTo(2);
    assertThat(firstDoc.path("letters"))
        .extracting(l -> l.path("key").asText())
        .containsExactly("k1", "k2");
    assertThat(cursor).isNotNull();
    assertThat(second.exitCode()).as(second.toString()).isEqualTo(ExitCodes.OK);
    assertThat(secondDoc.path("letters"))
        .extracting(l -> l.path("key").asText())
        .containsExactly("k3");
    assertThat(secondDoc.has("next")).isFalse();
    assertThat(table.out()).contains(source + ".dlq: 1 dead letters");
    assertThat(table.err()).contains("more: cyclegan dlq list " + source + " --after ");
  }

  @Test
  void shouldReplayOnlyMatchingDeadLettersOntoTheirSourceTopic() throws Exception {
    String source = "it.dlq-replay." + shortId();
    seedDeadLetters(source);

    CliRun.Result dryRun =
        CliRun.run(stack, "dlq", "replay", source + ".dlq", "--where-error", "ZEBRA", "--dry-run");
    CliRun.Result replay = CliRun.run(stack, "dlq", "replay", source, "--where-error", "ZEBRA");

    assertThat(dryRun.out()).contains("would replay 1 of 3");
    assertThat(replay.exitCode()).as(replay.toString()).isEqualTo(ExitCodes.OK);
    assertThat(replay.out()).contains("replayed 1 of 3");
    List<ConsumerRecord<byte[], byte[]>> replayed = clients.readAll(source);
    assertThat(replayed)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("k3");
              assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("v3");
              assertThat(header(r, Headers.MODEL)).isEqualTo("zebra");
              assertThat(r.headers().lastHeader(Headers.ERROR_MESSAGE)).isNull();
              assertThat(r.headers().lastHeader(Headers.SOURCE_TOPIC)).isNull();
            });
  }

  // --- admin

  @Test
  void shouldCreateCompactedAndPlainTopicsAndSkipExistingOnes() throws Exception {
    String prefix = "it-admin-" + shortId() + ".";
    Map<String, String> env = new HashMap<>();
    env.put("CYCLEGAN_TOPIC_IMAGES_IN", prefix + "images.in");
    env.put("CYCLEGAN_TOPIC_TRANSLATE_REQUESTS", prefix + "translate.requests");
    env.put("CYCLEGAN_TOPIC_TRANSLATE_RESULTS", prefix + "translate.results");
    env.put("CYCLEGAN_TOPIC_TRAINING_COMMANDS", prefix + "training.commands");
    env.put("CYCLEGAN_TOPIC_TRAINING_EVENTS", prefix + "training.events");
    env.put("CYCLEGAN_TOPIC_MODELS", prefix + "models");
    env.put("CYCLEGAN_TOPIC_DATASETS", prefix + "datasets");

    CliRun.Result first = CliRun.run(stack, env, "admin", "create-topics", "--partitions", "2");
    CliRun.Result second = CliRun.run(stack, env, "admin", "create-topics", "--partitions", "2");

    assertThat(first.exitCode()).as(first.toString()).isEqualTo(ExitCodes.OK);
    assertThat(first.out())
        .contains("created " + prefix + "images.in (2 partitions)")
        .contains("created " + prefix + "models (2 partitions, compacted)")
        .contains("created " + prefix + "images.in.dlq (1 partitions)");
    assertThat(second.exitCode()).as(second.toString()).isEqualTo(ExitCodes.OK);
    assertThat(second.out()).doesNotContain("created").contains("exists  " + prefix + "datasets");
    try (AdminClient admin =
        AdminClient.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
      List<String> names =
          Topics.fromEnv(env).all().stream()
              .flatMap(t -> java.util.stream.Stream.of(t, t + ".dlq"))
              .toList();
      Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames().get();
      assertThat(described).hasSize(14);
      assertThat(described.get(prefix + "training.events").partitions()).hasSize(2);
      assertThat(described.get(prefix + "models.dlq").partitions()).hasSize(1);
      assertThat(cleanupPolicy(admin, prefix + "models")).isEqualTo("compact");
      assertThat(cleanupPolicy(admin, prefix + "datasets")).isEqualTo("compact");
      assertThat(cleanupPolicy(admin, prefix + "images.in")).isEqualTo("delete");
      assertThat(cleanupPolicy(admin, prefix + "models.dlq")).isEqualTo("delete");
    }
  }

  // --- jobs, job, models

  @Test
  void shouldListJobsAndPrintOneFromTheirStateDocuments() {
    String id = "it-state-" + shortId();
    ObjectStore store = clients.store();
    store.putJson(
        ObjectKeys.jobState(id), Map.of("jobId", id, "state", "running", "epoch", 3, "step", 120));
    store.put(ObjectKeys.jobPrefix(id) + "samples/epoch-1.png", new byte[] {1}, "image/png");
    store.putJson(ObjectKeys.jobState(id + "-b"), Map.of("state", "completed"));

    CliRun.Result jobs = CliRun.run(stack, "jobs");
    CliRun.Result jobsJson = CliRun.run(stack, "jobs", "-o", "json");
    CliRun.Result jobYaml = CliRun.run(stack, "job", id, "-o", "yaml");
    CliRun.Result job = CliRun.run(stack, "job", id);
    CliRun.Result missing = CliRun.run(stack, "job", id + "-missing");

    assertThat(jobs.exitCode()).as(jobs.toString()).isEqualTo(ExitCodes.OK);
    assertThat(jobs.out())
        .containsPattern("ID\\s+STATE\\s+PLACE\\s+EPOCH\\s+STEP")
        .containsPattern(id + "\\s+running\\s+-\\s+3\\s+120")
        .containsPattern(id + "-b\\s+completed\\s+-\\s+-\\s+-")
        .doesNotContain("samples");
    assertThat(jobsJson.out())
        .contains("\"jobs\" : [")
        .contains("\"id\" : \"" + id + "\"")
        .contains("\"epoch\" : 3");
    assertThat(jobYaml.out()).contains("state: running").contains("epoch: 3");
    assertThat(job.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(job.out()).contains("\"state\" : \"running\"").contains("\"epoch\" : 3");
    assertThat(missing.exitCode()).isEqualTo(ExitCodes.FAILED);
    assertThat(missing.err()).contains("no job " + id + "-missing");
    CliRun.Result one = CliRun.run(stack, "jobs", "--limit", "1", "-o", "json");
    assertThat(one.out()).containsOnlyOnce("\"id\" :");
  }

  @Test
  void shouldListDatasetsWithTheirImagesPerDomain() {
    String ds = "it-ds-" + shortId();
    ObjectStore store = clients.store();
    // The summary ingest keeps as images arrive: listings read it, not every image.
    store.putJson(
        ObjectKeys.datasetSummary(ds),
        Map.of(
            "schema",
            "cyclegan.dataset.summary/v1",
            "dataset",
            ds,
            "counts",
            Map.of("A", 1, "B", 2)));

    CliRun.Result table = CliRun.run(stack, "datasets");
    CliRun.Result json = CliRun.run(stack, "datasets", "-o", "json");

    assertThat(table.exitCode()).as(table.toString()).isEqualTo(ExitCodes.OK);
    assertThat(table.out()).containsPattern("NAME\\s+A\\s+B").containsPattern(ds + "\\s+1\\s+2");
    assertThat(json.out()).contains("\"datasets\" : [").contains("\"name\" : \"" + ds + "\"");
  }

  @Test
  void shouldListEachModelsNewestVersion() {
    String model = "it-model-" + shortId();
    clients
        .store()
        .put(
            ObjectKeys.modelLatest(model),
            MessageCodec.encode(
                ModelAnnouncement.of(
                    model, "v7", stack.bucket(), "models/" + model + "/v7/", 128, "j", Map.of())),
            "application/json");

    CliRun.Result result = CliRun.run(stack, "models");

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.OK);
    assertThat(result.out()).containsPattern(model + "\\s+v7\\s+128\\s+20");
    assertThat(CliRun.run(stack, "models", "-o", "yaml").out())
        .contains("- name: " + model)
        .contains("version: v7");
  }

  // --- the services' parts

  /** Ingest: dead-letters one file by name, and commits every record after handling it. */
  private FakeService fakeIngest(
      KafkaProducer<byte[], byte[]> producer,
      String rejectName,
      String reason,
      List<ConsumerRecord<byte[], byte[]>> seen) {
    KafkaConsumer<byte[], byte[]> consumer =
        clients.consumerAtEnd(TOPICS.imagesIn(), "cyclegan-ingest");
    // A running ingest has committed everything before the upload: only offsets past the
    // upload's own records may count as its outcome.
    Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
    consumer.assignment().forEach(tp -> done.put(tp, new OffsetAndMetadata(consumer.position(tp))));
    consumer.commitSync(done);
    return new FakeService(
        consumer,
        record -> {
          if ("dataset".equals(header(record, Headers.PURPOSE))) {
            seen.add(record);
            if (rejectName.equals(header(record, Headers.FILENAME))) {
              send(
                  producer,
                  DeadLetter.of("ingest", "ImageRejectedException", reason, record)
                      .toRecord(TOPICS.dlq(TOPICS.imagesIn()), record));
            }
          }
          done.put(
              new TopicPartition(record.topic(), record.partition()),
              new OffsetAndMetadata(record.offset() + 1));
        },
        () -> consumer.commitSync(done));
  }

  /** Training worker: answers each start command with the events {@code script} gives. */
  private FakeService fakeTrainer(
      List<TrainingCommand> received, Function<TrainingCommand, List<TrainingEvent>> script) {
    KafkaProducer<byte[], byte[]> producer = clients.producer();
    return new FakeService(
            clients.consumerAtEnd(TOPICS.trainingCommands(), null),
            record -> {
              TrainingCommand command = MessageCodec.decode(record.value(), TrainingCommand.class);
              if (command.isStart()) {
                received.add(command);
                for (TrainingEvent event : script.apply(command)) {
                  send(
                      producer,
                      CloudEvents.record(TOPICS.trainingEvents(), command.jobId(), event, "it"));
                }
              }
            },
            () -> {})
        .alsoClosing(producer);
  }

  /**
   * Inference worker (with ingest's routing): writes an output for each translate request and
   * publishes an ok result, or an error result when the file name says "broken".
   */
  private FakeService fakeTranslator(List<ConsumerRecord<byte[], byte[]>> seen) {
    KafkaProducer<byte[], byte[]> producer = clients.producer();
    ObjectStore store = clients.store();
    return new FakeService(
            clients.consumerAtEnd(TOPICS.imagesIn(), null),
            record -> {
              if (!"translate".equals(header(record, Headers.PURPOSE))) {
                return;
              }
              seen.add(record);
              String id = header(record, Headers.REQUEST_ID);
              String name = header(record, Headers.FILENAME);
              Direction direction = Direction.parse(header(record, Headers.DIRECTION));
              TranslateResult result;
              if (name.startsWith("broken")) {
                result =
                    TranslateResult.error(
                        id, "zebra", direction, "model zebra has no version to translate with");
              } else {
                OutputFormat format =
                    header(record, Headers.OUTPUT_FORMAT) == null
                        ? OutputFormat.png
                        : OutputFormat.parse(header(record, Headers.OUTPUT_FORMAT));
                String key = ObjectKeys.resultOutput(id, format);
                store.put(key, translated(name), format.contentType());
                result =
                    TranslateResult.ok(
                        id,
                        stack.bucket(),
                        key,
                        "zebra",
                        "v1",
                        direction,
                        8,
                        8,
                        false,
                        new TranslateResult.Timings(1L, 2L, 3L));
              }
              send(producer, CloudEvents.record(TOPICS.translateResults(), id, result, "it"));
            },
            () -> {})
        .alsoClosing(producer);
  }

  // --- helpers

  private void seedDeadLetters(String source) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = clients.producer()) {
      String dlq = source + ".dlq";
      producer.send(deadLetter(dlq, source, "k1", 11, "ingest", "image too large")).get();
      producer.send(deadLetter(dlq, source, "k2", 12, "ingest", "image too large")).get();
      producer.send(deadLetter(dlq, source, "k3", 13, "inference", "model zebra not found")).get();
    }
  }

  private static ProducerRecord<byte[], byte[]> deadLetter(
      String dlq, String source, String key, long offset, String stage, String reason) {
    ConsumerRecord<byte[], byte[]> original =
        new ConsumerRecord<>(
            source,
            0,
            offset,
            key.getBytes(StandardCharsets.UTF_8),
            ("v" + key.substring(1)).getBytes(StandardCharsets.UTF_8));
    original.headers().add(Headers.MODEL, "zebra".getBytes(StandardCharsets.UTF_8));
    return DeadLetter.of(stage, "IllegalArgumentException", reason, original)
        .toRecord(dlq, original);
  }

  private void seedDataset(String dataset, int a, int b) {
    ObjectStore store = clients.store();
    for (int i = 0; i < a; i++) {
      store.put(ObjectKeys.datasetImage(dataset, "A", sha(i)), new byte[] {1}, "image/png");
    }
    for (int i = 0; i < b; i++) {
      store.put(ObjectKeys.datasetImage(dataset, "B", sha(i)), new byte[] {1}, "image/png");
    }
  }

  private static String sha(int i) {
    return String.format("%064x", i);
  }

  private static Map<String, Double> losses() {
    Map<String, Double> losses = new HashMap<>();
    double value = 0.1;
    for (String term : TrainingEvent.LOSS_TERMS) {
      losses.put(term, value);
      value += 0.1;
    }
    return losses;
  }

  private static String cleanupPolicy(AdminClient admin, String topic) throws Exception {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
    return config.get("cleanup.policy").value();
  }

  private static void writeFiles(Path dir, String... names) throws Exception {
    for (String name : names) {
      Files.write(dir.resolve(name), ("image " + name).getBytes(StandardCharsets.UTF_8));
    }
  }

  private static byte[] translated(String name) {
    return ("translated " + name).getBytes(StandardCharsets.UTF_8);
  }

  private static void send(
      KafkaProducer<byte[], byte[]> producer, ProducerRecord<byte[], byte[]> r) {
    try {
      producer.send(r).get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header h = record.headers().lastHeader(name);
    return Optional.ofNullable(h)
        .map(x -> new String(x.value(), StandardCharsets.UTF_8))
        .orElse(null);
  }

  private static String shortId() {
    return UUID.randomUUID().toString().substring(0, 8);
  }
}
