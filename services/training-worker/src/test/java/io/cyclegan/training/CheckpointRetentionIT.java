package io.cyclegan.training;

import static io.cyclegan.common.messages.TrainingEvent.Type.completed;
import static io.cyclegan.common.messages.TrainingEvent.Type.failed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cyclegan.common.messages.TrainingCommand;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.LocalStackExtension;
import io.cyclegan.training.artifacts.JobKeys;
import io.cyclegan.training.job.CheckpointRef;
import io.cyclegan.training.job.JobState;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Issue 17 part 4: a job keeps its newest K checkpoints and the published version. */
@ExtendWith(LocalStackExtension.class)
class CheckpointRetentionIT {
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
  void shouldKeepOnlyTheNewestCheckpointsAndThePublishedVersion() throws Exception {
    String dataset = fixture.name("keep");
    String model = fixture.name("keepm");
    String jobId = fixture.name("job-keep");
    fixture.seedDataset(dataset, 4);

    try (TrainingWorker worker =
        new TrainingWorker(
            fixture.config("w1", Map.of("CYCLEGAN_CHECKPOINTS_KEEP", "1")), "127.0.0.1")) {
      worker.start();
      assertThat(worker.awaitReady(Duration.ofSeconds(60))).isTrue();
      fixture.send(TrainingCommand.start(jobId, model, dataset, TrainingFixture.tinyParams(1, 1)));

      await()
          .atMost(Duration.ofMinutes(3))
          .untilAsserted(() -> assertThat(fixture.types(jobId)).containsAnyOf(completed, failed));
    }

    assertThat(fixture.types(jobId)).contains(completed);
    JobState state = fixture.state(jobId);
    String newest = JobKeys.checkpoint(model, jobId, 2, 0, state.leaseEpoch());
    assertThat(state.checkpoints()).extracting(CheckpointRef::key).containsExactly(newest);
    assertThat(fixture.store.exists(JobKeys.checkpoint(model, jobId, 1, 0, state.leaseEpoch())))
        .isFalse();
    // What a resume, a pinned version and a fine-tuning job from it need is all still there.
    assertThat(fixture.store.exists(newest)).isTrue();
    assertThat(fixture.store.exists(ObjectKeys.modelGenerators(model, jobId))).isTrue();
    assertThat(fixture.store.exists(ObjectKeys.modelLatest(model))).isTrue();
  }
}
