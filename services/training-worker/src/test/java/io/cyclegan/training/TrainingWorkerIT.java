package io.cyclegan.training;

import static io.cyclegan.common.messages.TrainingEvent.Type.accepted;
import static io.cyclegan.common.messages.TrainingEvent.Type.cancelled;
import static io.cyclegan.common.messages.TrainingEvent.Type.checkpoint;
import static io.cyclegan.common.messages.TrainingEvent.Type.completed;
import static io.cyclegan.common.messages.TrainingEvent.Type.duplicate;
import static io.cyclegan.common.messages.TrainingEvent.Type.failed;
import static io.cyclegan.common.messages.TrainingEvent.Type.progress;
import static io.cyclegan.common.messages.TrainingEvent.Type.started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.messages.ModelAnnouncement;
import io.cyclegan.common.messages.TrainingCommand;
import io.cyclegan.common.messages.TrainingEvent;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.common.testkit.LogCapture;
import io.cyclegan.common.testkit.StackKit;
import io.cyclegan.common.trace.TraceContext;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.LocalStackExtension;
import io.cyclegan.model.translate.CycleGanTranslator;
import io.cyclegan.model.translate.Direction;
import io.cyclegan.training.TrainingFixture.ReceivedEvent;
import io.cyclegan.training.artifacts.JobKeys;
import io.cyclegan.training.job.CheckpointRef;
import io.cyclegan.training.job.JobEvents;
import io.cyclegan.training.job.JobState;
import io.cyclegan.training.job.JobStatus;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalStackExtension.class)
class TrainingWorkerIT {
  private static final Duration JOB_TIMEOUT = Duration.ofMinutes(3);
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String PARENT_SPAN = "00f067aa0ba902b7";
  private static final String TRACEPARENT = "00-" + TRACE_ID + "-" + PARENT_SPAN + "-01";

  private TrainingFixture fixture;

  @BeforeEach
  void setUp(LocalStack stack) throws Exception {
    fixture = new TrainingFixture(stack);
  }

  @AfterEach
  void tearDown() {
    fixture.close();
  }

  @Test
  void shouldCompleteJobAndPublishModelWhenStartCommandArrives() throws Exception {
    String dataset = fixture.name("shapes");
    String model = fixture.name("zebra");
    String jobId = fixture.name("job-complete");
    fixture.seedDataset(dataset, 4);

    try (LogCapture logs = new LogCapture();
        TrainingWorker worker = fixture.startWorker("w1")) {
      // As ingest's HTTP API sends it: with the request's trace context.
      fixture.sendWith(
          Map.of(TraceContext.HEADER, TRACEPARENT),
          TrainingCommand.start(jobId, model, dataset, TrainingFixture.tinyParams(1, 1)));

      await()
          .atMost(JOB_TIMEOUT)
          .untilAsserted(() -> assertThat(fixture.types(jobId)).containsAnyOf(completed, failed));
      assertThat(fixture.types(jobId)).contains(completed);
      List<ReceivedEvent> events = fixture.events(jobId);
      List<TrainingEvent.Type> types = events.stream().map(ReceivedEvent::type).toList();
      assertThat(types.subList(0, 2)).containsExactly(accepted, started);
      assertThat(types.get(types.size() - 1)).isEqualTo(completed);
      assertThat(types.subList(2, types.size() - 1)).containsOnly(progress, checkpoint);
      assertThat(types).containsSubsequence(progress, checkpoint, progress, checkpoint, completed);
      assertThat(events.get(1).headers()).containsEntry(JobEvents.DEVICE_HEADER, "cpu()");
      // A step this small runs on one libtorch thread (EngineThreads.forTrainingSteps).
      assertThat(events.get(1).headers()).containsEntry(JobEvents.THREADS_HEADER, "1");
      assertThat(events.get(1).event().epoch()).isZero();
      TrainingEvent firstProgress =
          events.stream().filter(e -> e.type() == progress).findFirst().orElseThrow().event();
      assertThat(firstProgress.losses()).containsOnlyKeys(TrainingEvent.LOSS_TERMS);
      assertThat(firstProgress.imagesPerSecond()).isPositive();
      assertThat(firstProgress.learningRate()).isEqualTo(0.0002);
      TrainingEvent done = events.get(events.size() - 1).event();
      assertThat(done.model()).isEqualTo(model);
      assertThat(done.modelVersion()).isEqualTo(jobId);
      assertThat(done.epoch()).isEqualTo(2);

      // The command's trace: on every event (a child: its own span), in the state, on the
      // announcement, and in the log lines of the command's handling and of the run.
      for (ReceivedEvent event : events) {
        TraceContext trace = TraceContext.parse(event.headers().get(TraceContext.HEADER));
        assertThat(trace).as("%s event", event.type()).isNotNull();
        assertThat(trace.traceId()).as("%s event", event.type()).isEqualTo(TRACE_ID);
        assertThat(trace.spanId()).isNotEqualTo(PARENT_SPAN);
      }
      assertThat(TraceContext.parse(announcementTraceOf(model)).traceId()).isEqualTo(TRACE_ID);
      assertThat(logs.loggersWith(TraceContext.MDC_KEY, TRACE_ID))
          .contains(
              "io.cyclegan.training.commands.CommandHandler", "io.cyclegan.training.job.JobRunner");

      JobState state = fixture.state(jobId);
      assertThat(state.traceparent()).isEqualTo(TRACEPARENT);
      assertThat(state.state()).isEqualTo(JobStatus.completed);
      assertThat(state.device()).isEqualTo("cpu()");
      assertThat(state.intraOpThreads()).isEqualTo(1);
      assertThat(state.checkpoints())
          .extracting(CheckpointRef::key)
          .containsExactly(
              JobKeys.checkpoint(model, jobId, 1, 0, state.leaseEpoch()),
              JobKeys.checkpoint(model, jobId, 2, 0, state.leaseEpoch()));

      ModelAnnouncement announced = announcementOf(model);
      assertThat(announced.version()).isEqualTo(jobId);
      assertThat(announced.prefix()).isEqualTo(ObjectKeys.modelVersionPrefix(model, jobId));
      assertThat(announced.imageSize()).isEqualTo(32);
      ModelAnnouncement latest =
          MessageCodec.decode(
              fixture.store.get(ObjectKeys.modelLatest(model)).orElseThrow(),
              ModelAnnouncement.class);
      assertThat(latest.version()).isEqualTo(jobId);
      assertThat(fixture.store.exists(JobKeys.modelConfig(model, jobId))).isTrue();

      byte[] generators = fixture.store.get(ObjectKeys.modelGenerators(model, jobId)).orElseThrow();
      try (CycleGanTranslator translator =
          CycleGanTranslator.load(new ByteArrayInputStream(generators), Device.cpu())) {
        BufferedImage input = new BufferedImage(40, 36, BufferedImage.TYPE_INT_RGB);
        List<BufferedImage> out = translator.translate(List.of(input), Direction.A_TO_B);
        assertThat(out.get(0).getWidth()).isEqualTo(40);
        assertThat(out.get(0).getHeight()).isEqualTo(36);
      }

      BufferedImage grid =
          ImageIO.read(
              new ByteArrayInputStream(fixture.store.get(JobKeys.sample(jobId, 2)).orElseThrow()));
      assertThat(grid).as("sample grid is a PNG").isNotNull();
      assertThat(grid.getWidth()).isGreaterThan(3 * 32);
      assertThat(grid.getHeight()).isGreaterThan(2 * 32);
      String html =
          new String(
              fixture.store.get(JobKeys.report(jobId)).orElseThrow(), StandardCharsets.UTF_8);
      assertThat(html)
          .startsWith("<!DOCTYPE html>")
          .contains(
              "<svg", "<polyline", "src=\"samples/epoch-1.png\"", "src=\"samples/epoch-2.png\"")
          .contains("completed")
          .endsWith("</html>\n");
      String csv =
          new String(
              fixture.store.get(JobKeys.losses(jobId)).orElseThrow(), StandardCharsets.UTF_8);
      assertThat(csv.lines().findFirst().orElseThrow())
          .startsWith("epoch,step_in_epoch,global_step,D_A");
      assertThat(csv.lines().count()).isGreaterThan(2);

      String metrics = worker.scrapeMetrics();
      assertThat(metrics)
          .contains(
              "cyclegan_training_step_seconds_bucket",
              "cyclegan_training_images_per_second",
              "cyclegan_training_loss{",
              "term=\"cycle_A\"",
              "cyclegan_training_epoch",
              "cyclegan_training_jobs_total{",
              "state=\"completed\"",
              "cyclegan_training_device_info{",
              "device=\"cpu()\"",
              "cyclegan_training_intra_op_threads{service=\"training\"} 1.0");
    }
  }

  @Test
  void shouldFailNamingFieldWhenEpochsIsNegativeAndAnswerDuplicateToSecondStart() throws Exception {
    String jobId = fixture.name("job-bad-epochs");
    try (TrainingWorker worker = fixture.startWorker("w1")) {
      Map<String, Object> params = TrainingFixture.tinyParams(1, 1);
      params.put("epochs", -1);
      fixture.send(TrainingCommand.start(jobId, "m", "d", params));
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(() -> assertThat(fixture.types(jobId)).containsExactly(failed));
      assertThat(fixture.events(jobId).get(0).event().error()).contains("epochs");
      assertThat(fixture.state(jobId).state()).isEqualTo(JobStatus.failed);
      assertThat(fixture.state(jobId).error()).contains("epochs");

      fixture.send(TrainingCommand.start(jobId, "m", "d", TrainingFixture.tinyParams(1, 1)));
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(() -> assertThat(fixture.types(jobId)).containsExactly(failed, duplicate));
      assertThat(fixture.state(jobId).state()).isEqualTo(JobStatus.failed);
    }
  }

  @Test
  void shouldFailNamingFieldWhenParamIsUnknown() throws Exception {
    String jobId = fixture.name("job-unknown-param");
    try (TrainingWorker worker = fixture.startWorker("w1")) {
      Map<String, Object> params = TrainingFixture.tinyParams(1, 1);
      params.put("learningRate", 0.1);
      fixture.send(TrainingCommand.start(jobId, "m", "d", params));
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(() -> assertThat(fixture.types(jobId)).containsExactly(failed));
      assertThat(fixture.events(jobId).get(0).event().error()).contains("learningRate");
    }
  }

  /**
   * The reason of a refused command quotes what the sender wrote: escaped, so that neither the
   * worker's log, nor the event, nor the state document carries a line break or an escape sequence
   * from it.
   */
  @Test
  void shouldEscapeTheSendersTextWhenTheReasonQuotesIt() throws Exception {
    String named = fixture.name("job-forged-name");
    String valued = fixture.name("job-forged-value");
    try (LogCapture logs = new LogCapture();
        TrainingWorker worker = fixture.startWorker("w1")) {
      Map<String, Object> badName = TrainingFixture.tinyParams(1, 1);
      badName.put("x\r\nFORGED-name\u001b[2J", 1);
      Map<String, Object> badValue = TrainingFixture.tinyParams(1, 1);
      badValue.put("device", "cpu\r\nFORGED-value\u001b]0;owned\u0007");
      fixture.send(TrainingCommand.start(named, "m", "d", badName));
      fixture.send(TrainingCommand.start(valued, "m", "d", badValue));
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                assertThat(fixture.types(named)).containsExactly(failed);
                assertThat(fixture.types(valued)).containsExactly(failed);
              });

      for (String job : List.of(named, valued)) {
        String error = fixture.events(job).get(0).event().error();
        assertThat(error).as(job).contains("\\r\\nFORGED-").doesNotContain("\r", "\n", "\u001b");
        assertThat(fixture.state(job).error()).isEqualTo(error);
      }
      assertThat(fixture.events(valued).get(0).event().error())
          .contains("FORGED-value\\u001b]0;owned\\u0007");
      assertThat(logs.forgedLines("FORGED-")).isEmpty();
      assertThat(logs.mentioning("FORGED-")).isPositive();
    }
  }

  @Test
  void shouldFailWithReasonWhenDatasetIsMissing() throws Exception {
    String jobId = fixture.name("job-no-data");
    String dataset = fixture.name("nothing-here");
    try (TrainingWorker worker = fixture.startWorker("w1")) {
      fixture.send(TrainingCommand.start(jobId, "m", dataset, TrainingFixture.tinyParams(1, 1)));
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(() -> assertThat(fixture.types(jobId)).contains(failed));
      assertThat(fixture.types(jobId)).containsExactly(accepted, failed);
      String error = fixture.events(jobId).get(1).event().error();
      assertThat(error).contains(dataset).contains("domain A");
      assertThat(fixture.state(jobId).state()).isEqualTo(JobStatus.failed);
      assertThat(fixture.state(jobId).error()).isEqualTo(error);
    }
  }

  @Test
  void shouldFailWithoutPublishingWhenTrainingDiverges() throws Exception {
    String dataset = fixture.name("shapes");
    String model = fixture.name("diverged");
    String jobId = fixture.name("job-diverged");
    fixture.seedDataset(dataset, 4);
    try (TrainingWorker worker = fixture.startWorker("w1")) {
      Map<String, Object> params = TrainingFixture.tinyParams(1, 1);
      params.put("lr", 1e10); // Adam moves every weight by about lr: the losses overflow at once
      fixture.send(TrainingCommand.start(jobId, model, dataset, params));
      await()
          .atMost(JOB_TIMEOUT)
          .untilAsserted(() -> assertThat(fixture.types(jobId)).containsAnyOf(completed, failed));
      assertThat(fixture.types(jobId)).contains(failed).doesNotContain(completed, checkpoint);
      List<ReceivedEvent> events = fixture.events(jobId);
      String error = events.get(events.size() - 1).event().error();
      assertThat(error).contains("training diverged").contains("lr");
      assertThat(fixture.state(jobId).state()).isEqualTo(JobStatus.failed);
      assertThat(fixture.state(jobId).error()).isEqualTo(error);
      assertThat(fixture.store.exists(ObjectKeys.modelGenerators(model, jobId))).isFalse();
      assertThat(fixture.store.exists(ObjectKeys.modelLatest(model))).isFalse();
    }
  }

  @Test
  void shouldCancelRunningJobWithinTenSeconds() throws Exception {
    String dataset = fixture.name("shapes");
    String jobId = fixture.name("job-cancel");
    fixture.seedDataset(dataset, 4);
    try (TrainingWorker worker = fixture.startWorker("w1")) {
      fixture.send(TrainingCommand.start(jobId, "m", dataset, TrainingFixture.tinyParams(500, 0)));
      await()
          .atMost(JOB_TIMEOUT)
          .untilAsserted(() -> assertThat(fixture.types(jobId)).contains(progress));

      HttpResponse<String> ready =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + worker.metricsPort() + "/readyz"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(ready.statusCode()).as("ready while training").isEqualTo(200);
      assertThat(ready.body()).contains("training ok");
      assertThat(worker.runningJobId()).contains(jobId);

      long sent = System.nanoTime();
      fixture.send(TrainingCommand.cancel(jobId));
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(fixture.types(jobId)).contains(cancelled));
      assertThat(Duration.ofNanos(System.nanoTime() - sent)).isLessThan(Duration.ofSeconds(10));
      assertThat(fixture.state(jobId).state()).isEqualTo(JobStatus.cancelled);
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(worker.runningJobId()).isEmpty());
      assertThat(fixture.types(jobId)).doesNotContain(completed, failed);
    }
  }

  @Test
  void shouldResumeFromCheckpointOnSecondWorkerWhenFirstCrashes() throws Exception {
    String dataset = fixture.name("shapes");
    String model = fixture.name("crashy");
    String jobId = fixture.name("job-crash");
    fixture.seedDataset(dataset, 6);
    fixture.send(TrainingCommand.start(jobId, model, dataset, TrainingFixture.tinyParams(3, 1)));

    TrainingWorker first = fixture.startWorker("w1");
    await()
        .atMost(JOB_TIMEOUT)
        .untilAsserted(() -> assertThat(fixture.types(jobId)).contains(checkpoint));
    first.crash();
    JobState afterCrash = fixture.state(jobId);
    assertThat(afterCrash.state()).as("crashed mid-job").isEqualTo(JobStatus.running);
    CheckpointRef newest = afterCrash.latestCheckpoint().orElseThrow();

    try (TrainingWorker second = fixture.startWorker("w2")) {
      await()
          .atMost(JOB_TIMEOUT)
          .untilAsserted(() -> assertThat(fixture.types(jobId)).containsAnyOf(completed, failed));
      assertThat(fixture.types(jobId)).contains(completed);
    }
    List<ReceivedEvent> afterRestart = fixture.eventsFrom(jobId, "w2");
    ReceivedEvent resumed = afterRestart.get(0);
    assertThat(resumed.type()).isEqualTo(started);
    assertThat(resumed.event().epoch()).isEqualTo(newest.epoch()).isGreaterThan(0);
    assertThat(resumed.event().step()).isEqualTo(newest.globalStep());
    assertThat(resumed.headers()).containsEntry(JobEvents.RESUMED_FROM_HEADER, newest.key());
    assertThat(afterRestart)
        .filteredOn(e -> e.type() == progress)
        .allSatisfy(e -> assertThat(e.event().epoch()).isGreaterThan(newest.epoch()));
    assertThat(afterRestart).extracting(ReceivedEvent::type).doesNotContain(accepted);
    assertThat(fixture.state(jobId).state()).isEqualTo(JobStatus.completed);
    assertThat(announcementOf(model).version()).isEqualTo(jobId);
  }

  @Test
  void shouldUsePreviousCheckpointWhenNewestIsCutShort() throws Exception {
    String dataset = fixture.name("shapes");
    String model = fixture.name("cut");
    String jobId = fixture.name("job-cut");
    fixture.seedDataset(dataset, 6);
    fixture.send(TrainingCommand.start(jobId, model, dataset, TrainingFixture.tinyParams(4, 1)));

    TrainingWorker first = fixture.startWorker("w1");
    await()
        .atMost(JOB_TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(fixture.types(jobId))
                    .filteredOn(t -> t == checkpoint)
                    .hasSizeGreaterThanOrEqualTo(2));
    first.crash();
    List<CheckpointRef> refs = fixture.state(jobId).checkpoints();
    assertThat(refs).hasSizeGreaterThanOrEqualTo(2);
    CheckpointRef newest = refs.get(refs.size() - 1);
    CheckpointRef previous = refs.get(refs.size() - 2);
    byte[] whole = fixture.store.get(newest.key()).orElseThrow();
    fixture.store.put(
        newest.key(), java.util.Arrays.copyOf(whole, whole.length / 2), "application/octet-stream");

    try (TrainingWorker second = fixture.startWorker("w2")) {
      await()
          .atMost(JOB_TIMEOUT)
          .untilAsserted(() -> assertThat(fixture.types(jobId)).containsAnyOf(completed, failed));
      assertThat(fixture.types(jobId)).contains(completed);
    }
    ReceivedEvent resumed = fixture.eventsFrom(jobId, "w2").get(0);
    assertThat(resumed.type()).isEqualTo(started);
    assertThat(resumed.headers()).containsEntry(JobEvents.RESUMED_FROM_HEADER, previous.key());
    assertThat(resumed.event().epoch()).isEqualTo(previous.epoch());
    assertThat(fixture.state(jobId).state()).isEqualTo(JobStatus.completed);
  }

  @Test
  void shouldCheckpointOnCloseAndResumeThereWhenRestarted() throws Exception {
    String dataset = fixture.name("shapes");
    String jobId = fixture.name("job-close");
    fixture.seedDataset(dataset, 4);
    fixture.send(TrainingCommand.start(jobId, "m", dataset, TrainingFixture.tinyParams(500, 0)));

    TrainingWorker first = fixture.startWorker("w1");
    await()
        .atMost(JOB_TIMEOUT)
        .untilAsserted(() -> assertThat(fixture.types(jobId)).contains(progress));
    first.close();
    // The fixture reads events in the background: wait for the shutdown checkpoint to arrive.
    await()
        .atMost(JOB_TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(fixture.events(jobId))
                    .anySatisfy(
                        e ->
                            assertThat(e.headers())
                                .containsEntry(JobEvents.REASON_HEADER, "shutdown")));
    List<ReceivedEvent> beforeRestart = fixture.events(jobId);
    ReceivedEvent last = beforeRestart.get(beforeRestart.size() - 1);
    assertThat(last.type()).isEqualTo(checkpoint);
    assertThat(last.headers()).containsEntry(JobEvents.REASON_HEADER, "shutdown");
    JobState state = fixture.state(jobId);
    assertThat(state.state()).isEqualTo(JobStatus.running);
    CheckpointRef saved = state.latestCheckpoint().orElseThrow();
    assertThat(saved.globalStep()).isEqualTo(last.event().step()).isPositive();

    try (TrainingWorker second = fixture.startWorker("w2")) {
      await()
          .atMost(JOB_TIMEOUT)
          .untilAsserted(() -> assertThat(fixture.eventsFrom(jobId, "w2")).isNotEmpty());
      ReceivedEvent resumed = fixture.eventsFrom(jobId, "w2").get(0);
      assertThat(resumed.type()).isEqualTo(started);
      assertThat(resumed.event().step()).isEqualTo(saved.globalStep());
      assertThat(resumed.headers()).containsEntry(JobEvents.RESUMED_FROM_HEADER, saved.key());
      fixture.send(TrainingCommand.cancel(jobId));
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(fixture.types(jobId)).contains(cancelled));
    }
  }

  @Test
  void shouldFailNamingDeviceWhenGpuIsRequestedAndNoneIsUsable() throws Exception {
    Assumptions.assumeTrue(Engine.getInstance().getGpuCount() == 0, "a GPU is usable here");
    String dataset = fixture.name("shapes");
    String jobId = fixture.name("job-gpu");
    fixture.seedDataset(dataset, 2);
    try (TrainingWorker worker = fixture.startWorker("w1")) {
      Map<String, Object> params = TrainingFixture.tinyParams(1, 0);
      params.put("device", "gpu");
      fixture.send(TrainingCommand.start(jobId, "m", dataset, params));
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(() -> assertThat(fixture.types(jobId)).contains(failed));
      assertThat(fixture.types(jobId)).containsExactly(accepted, failed);
      assertThat(fixture.state(jobId).error()).contains("device gpu", "no GPU is usable");
    }
  }

  private ModelAnnouncement announcementOf(String model) {
    return MessageCodec.decode(announcementRecordOf(model).value(), ModelAnnouncement.class);
  }

  private String announcementTraceOf(String model) {
    Header trace = announcementRecordOf(model).headers().lastHeader(TraceContext.HEADER);
    return trace == null ? null : new String(trace.value(), StandardCharsets.UTF_8);
  }

  /**
   * The newest announcement of {@code model} on cyclegan.models: read after its job's {@code
   * completed} event, which the worker sends only after the broker took the announcement.
   */
  private ConsumerRecord<byte[], byte[]> announcementRecordOf(String model) {
    try (StackKit kit = new StackKit(fixture.stack)) {
      List<ConsumerRecord<byte[], byte[]>> found =
          kit.readAll("cyclegan.models").stream()
              .filter(r -> model.equals(new String(r.key(), StandardCharsets.UTF_8)))
              .toList();
      assertThat(found).as("announcements of %s", model).isNotEmpty();
      return found.get(found.size() - 1);
    }
  }
}
