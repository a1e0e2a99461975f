package io.cyclegan.training;

import static io.cyclegan.common.messages.TrainingEvent.Type.checkpoint;
import static io.cyclegan.common.messages.TrainingEvent.Type.completed;
import static io.cyclegan.common.messages.TrainingEvent.Type.failed;
import static io.cyclegan.common.messages.TrainingEvent.Type.started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.djl.Device;
import io.cyclegan.common.messages.TrainingCommand;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.LocalStackExtension;
import io.cyclegan.model.translate.CycleGanTranslator;
import io.cyclegan.model.translate.Direction;
import io.cyclegan.training.TrainingFixture.ReceivedEvent;
import io.cyclegan.training.job.CheckpointRef;
import io.cyclegan.training.job.JobEvents;
import io.cyclegan.training.job.JobStatus;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The #16 training options end to end on the embedded stack: a job with each option set trains a
 * few steps, is resumed from its checkpoint by a second worker, completes, and its published model
 * translates with its own preprocess.
 */
@ExtendWith(LocalStackExtension.class)
class TrainingOptionsIT {
  private static final Duration JOB_TIMEOUT = Duration.ofMinutes(3);

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
  void shouldTrainResumeAndTranslateWithVanillaLoss() throws Exception {
    BufferedImage out =
        trainResumeAndTranslate("vanilla", Map.of("ganMode", "vanilla", "initType", "xavier"));
    // resize_and_crop (the default): translated at the 32 px crop, as the official test does
    assertThat(out.getWidth()).isEqualTo(32);
    assertThat(out.getHeight()).isEqualTo(32);
  }

  @Test
  void shouldTrainResumeAndTranslateWithStepPolicyAndScaleWidth() throws Exception {
    BufferedImage out =
        trainResumeAndTranslate(
            "scalewidth",
            Map.of(
                "lrPolicy", "step", "lrDecayIters", 1, "preprocess", "scale_width", "flip", false));
    // scale_width: imageSize (32 px) wide, as the official test options set load_size to
    // crop_size, the height in proportion, no crop
    assertThat(out.getWidth()).isEqualTo(32);
    assertThat(out.getHeight()).isEqualTo(48);
  }

  @Test
  void shouldFailWganGpNamingTheReason() throws Exception {
    String jobId = fixture.name("job-wgangp");
    try (TrainingWorker worker = fixture.startWorker("w1")) {
      Map<String, Object> params = TrainingFixture.tinyParams(1, 1);
      params.put("ganMode", "wgangp");
      fixture.send(TrainingCommand.start(jobId, "m", "d", params));
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(() -> assertThat(fixture.types(jobId)).containsExactly(failed));
      assertThat(fixture.events(jobId).get(0).event().error())
          .contains("ganMode wgangp is not supported")
          .contains("gradient of a gradient");
    }
  }

  private BufferedImage trainResumeAndTranslate(String name, Map<String, Object> options)
      throws Exception {
    String dataset = fixture.name("shapes-" + name);
    String model = fixture.name("opts-" + name);
    String jobId = fixture.name("job-" + name);
    fixture.seedDataset(dataset, 2);
    Map<String, Object> params = TrainingFixture.tinyParams(1, 1);
    params.putAll(options);
    fixture.send(TrainingCommand.start(jobId, model, dataset, TrainingFixture.resumable(params)));

    TrainingWorker first = fixture.startWorker("w1");
    await()
        .atMost(JOB_TIMEOUT)
        .untilAsserted(() -> assertThat(fixture.types(jobId)).containsAnyOf(checkpoint, failed));
    first.crash();
    assertThat(fixture.types(jobId)).doesNotContain(failed, completed);
    CheckpointRef newest = fixture.state(jobId).latestCheckpoint().orElseThrow();

    try (TrainingWorker second = fixture.startWorker("w2")) {
      await()
          .atMost(JOB_TIMEOUT)
          .untilAsserted(() -> assertThat(fixture.types(jobId)).containsAnyOf(completed, failed));
    }
    assertThat(fixture.state(jobId).state()).isEqualTo(JobStatus.completed);
    ReceivedEvent resumed = fixture.eventsFrom(jobId, "w2").get(0);
    assertThat(resumed.type()).isEqualTo(started);
    assertThat(resumed.headers()).containsEntry(JobEvents.RESUMED_FROM_HEADER, newest.key());

    byte[] generators = fixture.store.get(ObjectKeys.modelGenerators(model, jobId)).orElseThrow();
    try (CycleGanTranslator translator =
        CycleGanTranslator.load(new ByteArrayInputStream(generators), Device.cpu())) {
      options.forEach(
          (k, v) ->
              assertThat(
                      translator.header().getAsJsonObject("hyperparameters").get(k).getAsString())
                  .as("stored %s", k)
                  .isEqualTo(String.valueOf(v)));
      BufferedImage input =
          translator.preprocess(new BufferedImage(60, 90, BufferedImage.TYPE_INT_RGB));
      return translator.translate(List.of(input), Direction.A_TO_B).get(0);
    }
  }
}
