package io.cyclegan.training.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cyclegan.common.messages.MessageCodec;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobStateTest {
  private static final CommandSource SOURCE =
      new CommandSource("cyclegan-training", "cyclegan.training.commands", 2, 41);

  private static JobState accepted() {
    return JobState.accepted("j1", "zebra", "horse2zebra", Map.of("epochs", 3), SOURCE, "w0");
  }

  @Test
  void shouldRoundTripThroughStrictJsonWhenWrittenAndRead() throws Exception {
    JobState state =
        accepted()
            .running("cpu()", "w0")
            .withCheckpoint(
                new CheckpointRef(
                    "models/zebra/j1/checkpoints/epoch-1.ckpt", 1, 0, 10, 99, Instant.now()));
    byte[] json = MessageCodec.mapper().writeValueAsBytes(state);
    JobState read = MessageCodec.mapper().readValue(json, JobState.class);
    assertThat(read).isEqualTo(state);
    assertThat(new String(json, java.nio.charset.StandardCharsets.UTF_8))
        .contains(
            "\"schema\":\"cyclegan.training.job-state/v1\"",
            "\"state\":\"running\"",
            "\"offset\":41");
  }

  @Test
  void shouldTreatSameCoordinatesAsRedeliveryWhenCommandIsReadAgain() {
    assertThat(
            accepted()
                .isRedeliveryOf(
                    new CommandSource("cyclegan-training", "cyclegan.training.commands", 2, 41)))
        .isTrue();
    assertThat(
            accepted()
                .isRedeliveryOf(
                    new CommandSource("cyclegan-training", "cyclegan.training.commands", 2, 57)))
        .as("a second start")
        .isFalse();
    assertThat(
            accepted()
                .isRedeliveryOf(
                    new CommandSource("other-group", "cyclegan.training.commands", 2, 41)))
        .as("another deployment")
        .isFalse();
  }

  @Test
  void shouldKeepNewestCheckpointLastWhenKeyIsRewrittenAfterResume() {
    CheckpointRef one = new CheckpointRef("k1", 1, 0, 4, 1, Instant.now());
    CheckpointRef two = new CheckpointRef("k2", 2, 0, 8, 1, Instant.now());
    CheckpointRef twoAgain = new CheckpointRef("k2", 2, 0, 8, 2, Instant.now());
    JobState state = accepted().withCheckpoint(one).withCheckpoint(two).withCheckpoint(twoAgain);
    assertThat(state.checkpoints()).containsExactly(one, twoAgain);
    assertThat(state.latestCheckpoint()).contains(twoAgain);
    assertThat(state.epoch()).isEqualTo(2);
    assertThat(state.step()).isEqualTo(8);
  }

  @Test
  void shouldRefuseNonFinalStateWhenFinishing() {
    assertThatThrownBy(() -> accepted().finished(JobStatus.running, null))
        .isInstanceOf(IllegalArgumentException.class);
    JobState failed = accepted().finished(JobStatus.failed, "epochs must be >= 0, was -1");
    assertThat(failed.state().isFinished()).isTrue();
    assertThat(failed.finishedAt()).isNotNull();
    assertThat(failed.error()).contains("epochs");
  }

  @Test
  void shouldRefuseAnyChangeOfStateWhenJobIsFinished() {
    JobState completed = accepted().running("cpu()", "w0").finished(JobStatus.completed, null);

    assertThatThrownBy(() -> completed.finished(JobStatus.failed, "late error"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("completed, a final state");
    assertThatThrownBy(() -> completed.running("cpu()", "w1"))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void shouldReadNoAttemptsWhenDocumentPredatesTheField() throws Exception {
    Map<String, Object> older =
        new java.util.LinkedHashMap<>(MessageCodec.mapper().convertValue(accepted(), Map.class));
    older.remove("attempts");

    JobState read =
        MessageCodec.mapper()
            .readValue(MessageCodec.mapper().writeValueAsBytes(older), JobState.class);

    assertThat(read.attempts()).isZero();
  }
}
