package io.cyclegan.cli.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.cyclegan.common.messages.TrainingEvent;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProgressFormatTest {

  @Test
  void shouldShowEpochStepLossesRateAndEtaWhenThePlanIsKnown() {
    TrainingEvent event =
        TrainingEvent.of("j1", TrainingEvent.Type.progress)
            .withProgress(2, 150, Map.of("D_A", 0.25, "cycle_B", 1.5), 2.0, 2e-4);
    TrainingPlan plan = new TrainingPlan(4, 100L, 1);

    assertThat(ProgressFormat.progress(event, plan))
        .isEqualTo("j1 epoch 2/4 step 150/400 D_A 0.250 cycle_B 1.500 2.0 img/s ETA 2m05s");
  }

  @Test
  void shouldLeaveOutTheEtaWhenTheDatasetSizeIsUnknown() {
    TrainingEvent event =
        TrainingEvent.of("j1", TrainingEvent.Type.progress).withProgress(1, 10, Map.of(), 2.0, 1);

    assertThat(ProgressFormat.progress(event, new TrainingPlan(4, null, 1)))
        .isEqualTo("j1 epoch 1/4 step 10 2.0 img/s");
  }

  @Test
  void shouldCountBatchesInTheEta() {
    // 100 steps of 4 images at 8 images/s.
    assertThat(new TrainingPlan(1, 100L, 4).eta(0L, 8.0)).contains(Duration.ofSeconds(50));
  }

  @Test
  void shouldNameTheErrorOfAFailedJob() {
    TrainingEvent failed = TrainingEvent.of("j1", TrainingEvent.Type.failed).withError("boom");

    assertThat(ProgressFormat.event(failed)).isEqualTo("j1 failed: boom");
  }

  @Test
  void shouldSayWhereAStartedJobRunsFromItsHeaders() {
    TrainingEvent started = TrainingEvent.of("j1", TrainingEvent.Type.started).withPosition(0, 0);

    assertThat(ProgressFormat.event(started, "cpu()", "1"))
        .isEqualTo("j1 started epoch 0 step 0 on cpu() with 1 libtorch intra-op thread(s)");
    assertThat(ProgressFormat.event(started, "gpu(0)", null))
        .isEqualTo("j1 started epoch 0 step 0 on gpu(0)");
    assertThat(ProgressFormat.event(started, null, null)).isEqualTo("j1 started epoch 0 step 0");
  }

  @Test
  void shouldLeaveOutHeadersThatAreNotWhatTheWorkerWrites() {
    TrainingEvent started = TrainingEvent.of("j1", TrainingEvent.Type.started).withPosition(0, 0);

    assertThat(ProgressFormat.event(started, "cpu()\u001b[2J", "0"))
        .isEqualTo("j1 started epoch 0 step 0");
    assertThat(ProgressFormat.event(started, "http://10.0.0.1/", "1 thread\nfake"))
        .isEqualTo("j1 started epoch 0 step 0");
  }

  @Test
  void shouldShowNoThreadsForEventsOtherThanStarted() {
    TrainingEvent done = TrainingEvent.of("j1", TrainingEvent.Type.completed);

    assertThat(ProgressFormat.event(done, "cpu()", "1")).isEqualTo(ProgressFormat.event(done));
  }
}
