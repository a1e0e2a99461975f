package io.cyclegan.training;

import static io.cyclegan.common.messages.TrainingEvent.Type.completed;
import static io.cyclegan.common.messages.TrainingEvent.Type.failed;
import static io.cyclegan.common.messages.TrainingEvent.Type.started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cyclegan.common.messages.TrainingCommand;
import io.cyclegan.common.messages.TrainingCommand.InitFrom;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.LocalStackExtension;
import io.cyclegan.model.checkpoint.HostTensor;
import io.cyclegan.model.checkpoint.TensorArchive;
import io.cyclegan.model.train.TrainingCheckpoint;
import io.cyclegan.training.TrainingFixture.ReceivedEvent;
import io.cyclegan.training.artifacts.JobKeys;
import io.cyclegan.training.job.JobEvents;
import io.cyclegan.training.job.JobStatus;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fine-tuning ({@code initFrom}) end to end: a job starts from a published version's networks.
 *
 * <p>To see the starting weights in a checkpoint, the fine-tuning jobs train with a learning rate
 * of 1e-10: Adam moves no weight by more than a few times that in the epoch's 4 steps, so their
 * first checkpoint holds their starting weights to within 1e-6, while two independent
 * initialisations (N(0, 0.02)) differ by far more than that.
 */
@ExtendWith(LocalStackExtension.class)
class FineTuningIT {
  private static final Duration JOB_TIMEOUT = Duration.ofMinutes(3);
  private static final double SAME = 1e-6;

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
  void shouldStartFromAPublishedVersionsNetworksAndRefuseABadInitFromNamingIt() throws Exception {
    String dataset = fixture.name("shapes");
    String model = fixture.name("zebra");
    String source = fixture.name("job-source");
    fixture.seedDataset(dataset, 4);

    try (TrainingWorker worker = fixture.startWorker("w1")) {
      fixture.send(TrainingCommand.start(source, model, dataset, TrainingFixture.tinyParams(1, 0)));
      awaitEnd(source);
      assertThat(fixture.types(source)).contains(completed);
      // A version without a training checkpoint, as an import is: the same generators, no Ds.
      String generatorsOnly = "as-imported";
      fixture.store.put(
          ObjectKeys.modelGenerators(model, generatorsOnly),
          fixture.store.get(ObjectKeys.modelGenerators(model, source)).orElseThrow(),
          "application/octet-stream");
      fixture.store.put(
          JobKeys.modelConfig(model, generatorsOnly),
          fixture.store.get(JobKeys.modelConfig(model, source)).orElseThrow(),
          "application/json");

      String fromLatest = fixture.name("job-ft-latest");
      String fromImport = fixture.name("job-ft-import");
      fixture.send(
          TrainingCommand.start(fromLatest, model, dataset, frozen())
              .withInitFrom(new InitFrom(model, null)));
      // The rest only once "latest" is pinned: a job finished before could be the latest.
      await()
          .atMost(JOB_TIMEOUT)
          .untilAsserted(() -> assertThat(fixture.types(fromLatest)).isNotEmpty());
      fixture.send(
          TrainingCommand.start(fromImport, model, dataset, frozen())
              .withInitFrom(new InitFrom(model, generatorsOnly)));
      String unknownModel = fixture.name("job-ft-nomodel");
      String unknownVersion = fixture.name("job-ft-noversion");
      String otherArchitecture = fixture.name("job-ft-ngf");
      Map<String, Object> wider = frozen();
      wider.put("ngf", 8);
      fixture.send(
          TrainingCommand.start(unknownModel, model, dataset, frozen())
              .withInitFrom(new InitFrom("no-such-model", null)));
      fixture.send(
          TrainingCommand.start(unknownVersion, model, dataset, frozen())
              .withInitFrom(new InitFrom(model, "v404")));
      fixture.send(
          TrainingCommand.start(otherArchitecture, model, dataset, wider)
              .withInitFrom(new InitFrom(model, source)));

      awaitEnd(fromLatest);
      awaitEnd(fromImport);
      assertThat(fixture.types(fromLatest)).contains(completed);
      assertThat(fixture.types(fromImport)).contains(completed);

      // "latest" is pinned on acceptance and said on the started event
      assertThat(fixture.state(fromLatest).initFrom()).isEqualTo(new InitFrom(model, source));
      assertThat(startedHeaders(fromLatest))
          .containsEntry(JobEvents.INIT_FROM_HEADER, model + ":" + source + "+discriminators");
      assertThat(startedHeaders(fromImport))
          .containsEntry(
              JobEvents.INIT_FROM_HEADER, model + ":" + generatorsOnly + "+fresh-discriminators");
      assertThat(
              new String(fixture.store.get(JobKeys.modelConfig(model, fromLatest)).orElseThrow()))
          .contains("\"initFrom\":{\"model\":\"" + model + "\",\"version\":\"" + source + "\"}");

      Map<String, HostTensor> sourceNets = networks(model, source);
      Map<String, HostTensor> latestNets = networks(model, fromLatest);
      Map<String, HostTensor> importNets = networks(model, fromImport);
      assertThat(latestNets.keySet()).isEqualTo(sourceNets.keySet());
      for (String name : sourceNets.keySet()) {
        assertThat(maxAbsDiff(latestNets.get(name), sourceNets.get(name)))
            .as(name)
            .isLessThan(SAME);
        if (name.startsWith("G_")) {
          assertThat(maxAbsDiff(importNets.get(name), sourceNets.get(name)))
              .as(name)
              .isLessThan(SAME);
        }
      }
      // Without a checkpoint the discriminators start fresh: not the source's.
      assertThat(
              maxAbsDiff(
                  importNets.get("D_A/model.0.weight"), sourceNets.get("D_A/model.0.weight")))
          .isGreaterThan(1e-3);

      for (String bad : new String[] {unknownModel, unknownVersion, otherArchitecture}) {
        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(() -> assertThat(fixture.types(bad)).as(bad).containsExactly(failed));
        assertThat(fixture.state(bad).state()).isEqualTo(JobStatus.failed);
        assertThat(fixture.deadLetters(bad)).as("dead letter of " + bad).hasSize(1);
      }
      assertThat(error(unknownModel)).contains("initFrom: no model named no-such-model");
      assertThat(error(unknownVersion))
          .contains("initFrom: model " + model + " has no version v404");
      assertThat(error(otherArchitecture))
          .contains("initFrom: model " + model + " version " + source)
          .contains("ngf: version 4, job 8");
    }
  }

  /** Tiny params whose training barely moves the weights (see the class comment). */
  private static Map<String, Object> frozen() {
    Map<String, Object> p = new LinkedHashMap<>(TrainingFixture.tinyParams(1, 0));
    p.put("seed", 8);
    p.put("lr", 1e-10);
    return p;
  }

  private void awaitEnd(String jobId) {
    await()
        .atMost(JOB_TIMEOUT)
        .untilAsserted(() -> assertThat(fixture.types(jobId)).containsAnyOf(completed, failed));
  }

  private Map<String, String> startedHeaders(String jobId) {
    return fixture.events(jobId).stream()
        .filter(e -> e.type() == started)
        .findFirst()
        .map(ReceivedEvent::headers)
        .orElseThrow();
  }

  private String error(String jobId) {
    return fixture.events(jobId).get(0).event().error();
  }

  /** G_A, G_B, D_A and D_B of a job's first (epoch 1) checkpoint. */
  private Map<String, HostTensor> networks(String model, String jobId) throws IOException {
    long lease = fixture.state(jobId).leaseEpoch();
    byte[] bytes = fixture.store.get(JobKeys.checkpoint(model, jobId, 1, 0, lease)).orElseThrow();
    Map<String, HostTensor> out = new LinkedHashMap<>();
    TensorArchive.read(new ByteArrayInputStream(bytes), TrainingCheckpoint.MAGIC)
        .tensors()
        .forEach(
            (name, t) -> {
              if (name.matches("[GD]_[AB]/.*")) {
                out.put(name, t);
              }
            });
    assertThat(out).as("networks in the checkpoint of " + jobId).isNotEmpty();
    return out;
  }

  private static double maxAbsDiff(HostTensor a, HostTensor b) {
    assertThat(a.shape()).isEqualTo(b.shape());
    double max = 0;
    for (int i = 0; i < a.data().length; i++) {
      max = Math.max(max, Math.abs(a.data()[i] - b.data()[i]));
    }
    return max;
  }
}
