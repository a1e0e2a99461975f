package io.cyclegan.training;

import static io.cyclegan.common.messages.TrainingEvent.Type.accepted;
import static io.cyclegan.common.messages.TrainingEvent.Type.cancelled;
import static io.cyclegan.common.messages.TrainingEvent.Type.checkpoint;
import static io.cyclegan.common.messages.TrainingEvent.Type.completed;
import static io.cyclegan.common.messages.TrainingEvent.Type.failed;
import static io.cyclegan.common.messages.TrainingEvent.Type.progress;
import static io.cyclegan.common.messages.TrainingEvent.Type.started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.messages.ModelAnnouncement;
import io.cyclegan.common.messages.TrainingCommand;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.LocalStackExtension;
import io.cyclegan.localstack.ServiceProcess;
import io.cyclegan.training.TrainingFixture.ReceivedEvent;
import io.cyclegan.training.artifacts.JobKeys;
import io.cyclegan.training.job.CheckpointRef;
import io.cyclegan.training.job.CommandSource;
import io.cyclegan.training.job.JobEvents;
import io.cyclegan.training.job.JobState;
import io.cyclegan.training.job.JobStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The training worker under injected faults: the object store refused, the broker stopped, the
 * worker's own JVM killed. Each test names the promise it checks (docs/reliability.md, "Training").
 * Outages are held for a set time (the fault's length, not a synchronisation), and what must hold
 * during them is asserted with Awaitility's {@code during}.
 */
@ExtendWith(LocalStackExtension.class)
class TrainingFaultsIT {
  private static final Duration JOB_TIMEOUT = Duration.ofMinutes(3);

  private TrainingFixture fixture;
  private LocalStack stack;

  @BeforeEach
  void setUp(LocalStack stack) throws Exception {
    this.stack = stack;
    fixture = new TrainingFixture(stack);
  }

  @AfterEach
  void tearDown() {
    // The stack is shared: whatever a test stopped runs again before the next one.
    if (!stack.isS3Running()) {
      stack.startS3();
    }
    if (!stack.isKafkaRunning()) {
      stack.startKafka();
    }
    fixture.close();
  }

  /** Promise: a store blip at an epoch end delays the job; it completes, with all its outputs. */
  @Test
  void shouldCompleteWithOutputsWhenStoreIsRefusedForSecondsAtEpochEnd() throws Exception {
    String dataset = fixture.name("shapes");
    String model = fixture.name("blip");
    String jobId = fixture.name("job-s3-blip");
    fixture.seedDataset(dataset, 8);
    try (TrainingWorker worker = fixture.startWorker("w1")) {
      fixture.send(TrainingCommand.start(jobId, model, dataset, TrainingFixture.tinyParams(1, 1)));
      // Mid-epoch 1 (step 2 of 8): the epoch's end falls inside the outage.
      await()
          .atMost(JOB_TIMEOUT)
          .untilAsserted(() -> assertThat(fixture.types(jobId)).contains(progress));
      stack.stopS3();
      try {
        holdFault(Duration.ofMillis(2500), () -> worker.runningJobId().isPresent());
      } finally {
        stack.startS3();
      }

      await()
          .atMost(JOB_TIMEOUT)
          .untilAsserted(() -> assertThat(fixture.types(jobId)).containsAnyOf(completed, failed));
      assertThat(fixture.types(jobId)).contains(completed).doesNotContain(failed);
      assertThat(fixture.types(jobId)).filteredOn(t -> t == started).hasSize(1);
      assertThat(fixture.state(jobId).state()).isEqualTo(JobStatus.completed);
      assertThat(fixture.store.exists(JobKeys.sample(jobId, 1))).isTrue();
      assertThat(fixture.store.exists(JobKeys.sample(jobId, 2))).isTrue();
      assertThat(fixture.store.exists(JobKeys.losses(jobId))).isTrue();
      assertThat(fixture.store.exists(JobKeys.report(jobId))).isTrue();
      assertThat(retriesOfStore(worker)).as("the outage hit the job's store calls").isPositive();
    }
  }

  /**
   * Promise: a store outage of a minute, well within the outage budget, pauses the job; it neither
   * fails nor loses work (one run, no resume), and completes when the store is back.
   */
  @Test
  void shouldCompleteWithoutResumingWhenStoreIsRefusedForAMinuteMidJob() throws Exception {
    String dataset = fixture.name("shapes");
    String model = fixture.name("outage");
    String jobId = fixture.name("job-s3-minute");
    fixture.seedDataset(dataset, 8);
    try (TrainingWorker worker = fixture.startWorker("w1")) {
      fixture.send(TrainingCommand.start(jobId, model, dataset, TrainingFixture.tinyParams(1, 1)));
      await()
          .atMost(JOB_TIMEOUT)
          .untilAsserted(() -> assertThat(fixture.types(jobId)).contains(progress));
      stack.stopS3();
      try {
        holdFault(Duration.ofSeconds(60), () -> worker.runningJobId().isPresent());
      } finally {
        stack.startS3();
      }

      await()
          .atMost(JOB_TIMEOUT)
          .untilAsserted(() -> assertThat(fixture.types(jobId)).containsAnyOf(completed, failed));
      assertThat(fixture.types(jobId)).contains(completed).doesNotContain(failed);
      assertThat(fixture.types(jobId)).as("one run: no resume").containsOnlyOnce(started);
      JobState state = fixture.state(jobId);
      assertThat(state.state()).isEqualTo(JobStatus.completed);
      assertThat(state.checkpoints())
          .extracting(CheckpointRef::key)
          .containsExactly(
              JobKeys.checkpoint(model, jobId, 1, 0, state.leaseEpoch()),
              JobKeys.checkpoint(model, jobId, 2, 0, state.leaseEpoch()));
      assertThat(latestVersion(model)).isEqualTo(jobId);
      assertThat(retriesOfStore(worker)).as("the outage hit the job's store calls").isPositive();
    }
  }

  /**
   * Promise: a broker away across the job's end (longer than the producer's delivery timeout) never
   * turns the job failed; once the broker is back the job is completed, its completed event and the
   * model announcement arrive, and latest.json and the announcement name the same version.
   */
  @Test
  void shouldStayCompletedAndAnnounceWhenBrokerIsAwayAcrossCompletion() throws Exception {
    String dataset = fixture.name("shapes");
    String model = fixture.name("kafka-end");
    String jobId = fixture.name("job-kafka-end");
    fixture.seedDataset(dataset, 8);
    // A short producer delivery timeout (10 s instead of 120 s) keeps the outage that exceeds it
    // short: each send the worker waits for gives up at least once during the outage.
    Map<String, String> shortDelivery =
        Map.of("KAFKA_DELIVERY_TIMEOUT_MS", "10000", "KAFKA_REQUEST_TIMEOUT_MS", "5000");
    try (TrainingWorker worker =
        start(new TrainingWorker(fixture.config("w1", shortDelivery), "127.0.0.1"))) {
      fixture.send(TrainingCommand.start(jobId, model, dataset, TrainingFixture.tinyParams(1, 1)));
      // After epoch 1's checkpoint the last epoch runs: its end and the publication come while the
      // broker is away.
      await()
          .atMost(JOB_TIMEOUT)
          .untilAsserted(() -> assertThat(fixture.types(jobId)).contains(checkpoint));
      stack.stopKafka();
      try {
        await()
            .atMost(JOB_TIMEOUT)
            .untilAsserted(() -> assertThat(fixture.state(jobId).epoch()).isEqualTo(2));
        holdFault(Duration.ofSeconds(25), () -> fixture.state(jobId).state() != JobStatus.failed);
      } finally {
        stack.startKafka();
      }

      await()
          .atMost(JOB_TIMEOUT)
          .untilAsserted(() -> assertThat(fixture.types(jobId)).containsAnyOf(completed, failed));
      assertThat(fixture.types(jobId)).contains(completed).doesNotContain(failed);
      assertThat(fixture.state(jobId).state()).isEqualTo(JobStatus.completed);
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(fixture.announcements(model))
                      .extracting(ModelAnnouncement::version)
                      .contains(jobId));
      assertThat(latestVersion(model)).isEqualTo(jobId);
      assertThat(fixture.state(jobId).state()).as("still completed").isEqualTo(JobStatus.completed);
      assertThat(healthz(worker)).isEqualTo(200);
    }
  }

  /**
   * Promise: a worker started while the broker is down stays healthy, and once the broker is back
   * it runs a job and hears its cancel within seconds (its cancel watcher did not die).
   */
  @Test
  void shouldRunAndCancelJobWhenBrokerWasDownAtStartUp() throws Exception {
    String dataset = fixture.name("shapes");
    String jobId = fixture.name("job-late-broker");
    fixture.seedDataset(dataset, 4);
    TrainingConfig config = fixture.config("w1");
    stack.stopKafka();
    TrainingWorker worker;
    try {
      worker = new TrainingWorker(config, "127.0.0.1").start();
      // Longer than any single wait of the worker's clients (30 s for the partitions): a loop
      // that gives up on the broker would have done so by now.
      holdFault(Duration.ofSeconds(35), () -> healthz(worker) == 200);
    } finally {
      stack.startKafka();
    }
    try (worker) {
      assertThat(worker.awaitReady(Duration.ofSeconds(60)))
          .as("ready once the broker is back")
          .isTrue();
      fixture.send(TrainingCommand.start(jobId, "m", dataset, TrainingFixture.tinyParams(500, 0)));
      await()
          .atMost(JOB_TIMEOUT)
          .untilAsserted(() -> assertThat(fixture.types(jobId)).contains(progress));
      fixture.send(TrainingCommand.cancel(jobId));
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(fixture.types(jobId)).contains(cancelled));
      assertThat(fixture.state(jobId).state()).isEqualTo(JobStatus.cancelled);
      assertThat(healthz(worker)).isEqualTo(200);
    }
  }

  /**
   * Promise: a job whose runs keep taking their worker down is failed with that reason after the
   * configured attempts (default 3), instead of being redelivered forever.
   */
  @Test
  void shouldFailNamingAttemptsWhenJobWasStartedMaxAttemptsTimesWithoutSignOfLife()
      throws Exception {
    String dataset = fixture.name("shapes");
    String jobId = fixture.name("job-killer");
    fixture.seedDataset(dataset, 2);
    RecordMetadata at =
        fixture.sendAt(
            jobId,
            MessageCodec.encode(
                TrainingCommand.start(jobId, "m", dataset, TrainingFixture.tinyParams(1, 0))));
    // As three workers that each died mid-run would have left it: running, three attempts.
    JobState accepted =
        JobState.accepted(
            jobId,
            "m",
            dataset,
            TrainingFixture.tinyParams(1, 0),
            new CommandSource(fixture.group, at.topic(), at.partition(), at.offset()),
            "w0");
    @SuppressWarnings("unchecked")
    Map<String, Object> document =
        new LinkedHashMap<>(MessageCodec.mapper().convertValue(accepted, Map.class));
    document.put("state", "running");
    document.put("attempts", 3);
    fixture.store.putJson(ObjectKeys.jobState(jobId), document);

    try (TrainingWorker worker = fixture.startWorker("w1")) {
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(() -> assertThat(fixture.types(jobId)).contains(failed));
      assertThat(fixture.types(jobId)).containsExactly(failed);
      String error = fixture.events(jobId).get(0).event().error();
      assertThat(error).contains("3 times", "CYCLEGAN_TRAINING_MAX_ATTEMPTS");
      assertThat(fixture.state(jobId).state()).isEqualTo(JobStatus.failed);
      assertThat(fixture.state(jobId).error()).isEqualTo(error);
    }
  }

  /**
   * Promise: params beyond this worker's bounds fail at once (a failed event and a dead letter,
   * nothing started), naming the param, the bound and the variable that sets it.
   */
  @Test
  void shouldFailFastNamingBoundWhenParamsExceedWorkerBounds() throws Exception {
    Map<String, Object> wide = TrainingFixture.tinyParams(1, 0);
    wide.put("ngf", 2048);
    Map<String, Object> huge = TrainingFixture.tinyParams(1, 0);
    huge.remove("loadSize");
    huge.put("imageSize", 8192);
    Map<String, Object> heavy = TrainingFixture.tinyParams(1, 0);
    heavy.remove("loadSize");
    heavy.putAll(
        Map.of("imageSize", 1024, "ngf", 256, "ndf", 256, "generatorBlocks", 24, "batchSize", 16));
    Map<String, Map<String, Object>> jobs =
        Map.of(
            fixture.name("job-ngf"), wide,
            fixture.name("job-size"), huge,
            fixture.name("job-memory"), heavy);
    Map<String, List<String>> named =
        Map.of(
            fixture.name("job-ngf"), List.of("ngf 2048", "CYCLEGAN_TRAINING_MAX_WIDTH"),
            fixture.name("job-size"), List.of("imageSize 8192", "CYCLEGAN_TRAINING_MAX_IMAGE_SIZE"),
            fixture.name("job-memory"),
                List.of("activation memory", "CYCLEGAN_TRAINING_MEMORY_BUDGET_MB"));
    String dataset = fixture.name("not-needed");
    try (TrainingWorker worker = fixture.startWorker("w1")) {
      jobs.forEach((id, params) -> fixture.send(TrainingCommand.start(id, "m", dataset, params)));
      for (String id : jobs.keySet()) {
        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(() -> assertThat(fixture.types(id)).contains(failed));
        assertThat(fixture.types(id)).as(id).containsExactly(failed);
        assertThat(fixture.events(id).get(0).event().error())
            .as(id)
            .contains(named.get(id))
            .contains("bound");
        assertThat(fixture.state(id).state()).isEqualTo(JobStatus.failed);
        assertThat(fixture.deadLetters(id)).as("dead letter of " + id).hasSize(1);
      }
    }
  }

  /**
   * Promise: a redelivered start of a job that is completed but whose announcement may be missing
   * announces its version again (idempotent) and repeats its completed event; nothing is trained.
   */
  @Test
  void shouldAnnounceAgainWhenStartOfCompletedJobIsRedelivered() throws Exception {
    String model = fixture.name("reannounce");
    String jobId = fixture.name("job-reannounce");
    RecordMetadata at =
        fixture.sendAt(
            jobId,
            MessageCodec.encode(
                TrainingCommand.start(jobId, model, "d", TrainingFixture.tinyParams(1, 0))));
    // As a worker leaves it when it died after writing completed but before the announcement.
    fixture.store.putJson(
        ObjectKeys.jobState(jobId),
        JobState.accepted(
                jobId,
                model,
                "d",
                TrainingFixture.tinyParams(1, 0),
                new CommandSource(fixture.group, at.topic(), at.partition(), at.offset()),
                "w0")
            .finished(JobStatus.completed, null));
    ModelAnnouncement latest =
        ModelAnnouncement.of(
            model,
            jobId,
            stack.bucket(),
            ObjectKeys.modelVersionPrefix(model, jobId),
            32,
            jobId,
            Map.of());
    fixture.store.put(
        ObjectKeys.modelLatest(model), MessageCodec.encode(latest), "application/json");

    try (TrainingWorker worker = fixture.startWorker("w1")) {
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(() -> assertThat(fixture.types(jobId)).contains(completed));
      assertThat(fixture.types(jobId)).containsExactly(completed);
      assertThat(fixture.announcements(model))
          .extracting(ModelAnnouncement::version)
          .containsExactly(jobId);
      assertThat(fixture.state(jobId).state()).isEqualTo(JobStatus.completed);
    }
  }

  /**
   * Promise: kill -9 of the worker's JVM mid-job loses at most the work since the last checkpoint:
   * a second worker process resumes from the newest checkpoint and completes.
   */
  @Test
  void shouldResumeFromNewestCheckpointInSecondProcessWhenFirstIsKilled() throws Exception {
    String dataset = fixture.name("shapes");
    String model = fixture.name("killed");
    String jobId = fixture.name("job-kill9");
    fixture.seedDataset(dataset, 6);
    fixture.send(TrainingCommand.start(jobId, model, dataset, TrainingFixture.tinyParams(3, 1)));

    try (ServiceProcess first = fixture.process("p1").start();
        ServiceProcess second = fixture.process("p2")) {
      await()
          .atMost(JOB_TIMEOUT)
          .untilAsserted(
              () ->
                  assertThat(fixture.eventsFrom(jobId, "p1"))
                      .extracting(ReceivedEvent::type)
                      .contains(checkpoint));
      first.kill();
      JobState afterKill = fixture.state(jobId);
      assertThat(afterKill.state()).as("killed mid-job").isEqualTo(JobStatus.running);
      CheckpointRef newest = afterKill.latestCheckpoint().orElseThrow();

      second.start();
      await()
          .atMost(JOB_TIMEOUT)
          .untilAsserted(() -> assertThat(fixture.types(jobId)).containsAnyOf(completed, failed));
      assertThat(fixture.types(jobId)).contains(completed).doesNotContain(failed);
      ReceivedEvent resumed = fixture.eventsFrom(jobId, "p2").get(0);
      assertThat(resumed.type()).isEqualTo(started);
      assertThat(resumed.headers()).containsEntry(JobEvents.RESUMED_FROM_HEADER, newest.key());
      assertThat(resumed.event().step()).isEqualTo(newest.globalStep());
      assertThat(fixture.eventsFrom(jobId, "p2"))
          .extracting(ReceivedEvent::type)
          .doesNotContain(accepted);
      assertThat(fixture.state(jobId).state()).isEqualTo(JobStatus.completed);
      assertThat(latestVersion(model)).isEqualTo(jobId);
    }
  }

  /**
   * Keeps a fault in place for {@code length} while asserting that {@code meanwhile} holds the
   * whole time (the fault's length is the point of the test, not a synchronisation).
   */
  private static void holdFault(Duration length, java.util.concurrent.Callable<Boolean> meanwhile) {
    await()
        .during(length)
        .atMost(length.plusSeconds(10))
        .pollInterval(Duration.ofMillis(500))
        .until(meanwhile);
  }

  private static TrainingWorker start(TrainingWorker worker) throws InterruptedException {
    worker.start();
    assertThat(worker.awaitReady(Duration.ofSeconds(60))).as("worker ready").isTrue();
    return worker;
  }

  private String latestVersion(String model) {
    return MessageCodec.decode(
            fixture.store.get(ObjectKeys.modelLatest(model)).orElseThrow(), ModelAnnouncement.class)
        .version();
  }

  private static int healthz(TrainingWorker worker) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + worker.metricsPort() + "/healthz"))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  /** {@code cyclegan_retries_total{dependency="object-store"}}: store calls that waited. */
  private static double retriesOfStore(TrainingWorker worker) {
    return worker
        .scrapeMetrics()
        .lines()
        .filter(l -> l.startsWith("cyclegan_retries_total{") && l.contains("object-store"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }
}
