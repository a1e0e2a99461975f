package io.cyclegan.training.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.messages.TrainingCommand.InitFrom;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
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
            .running("cpu()", 1, "w0")
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
    JobState completed = accepted().running("cpu()", 1, "w0").finished(JobStatus.completed, null);

    assertThatThrownBy(() -> completed.finished(JobStatus.failed, "late error"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("completed, a final state");
    assertThatThrownBy(() -> completed.running("cpu()", 1, "w1"))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void shouldCarryOverEveryFieldThatACopyDoesNotChange() throws Exception {
    CheckpointRef first =
        new CheckpointRef("k1", 1, 0, 10, 1, Instant.parse("2026-01-01T00:00:00Z"));
    JobState full =
        new JobState(
            JobState.SCHEMA,
            "j1",
            JobStatus.accepted,
            "zebra",
            "horse2zebra",
            "j1",
            Map.of("epochs", 3),
            "cpu()",
            1,
            10,
            List.of(first),
            2,
            "an earlier error",
            SOURCE,
            "w0",
            Instant.parse("2026-01-01T00:00:01Z"),
            Instant.parse("2026-01-01T00:00:02Z"),
            Instant.parse("2026-01-01T00:00:03Z"),
            new InitFrom("horse", "v1"),
            4L,
            Instant.parse("2026-01-01T00:00:04Z"),
            "alice",
            2,
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    CheckpointRef second = new CheckpointRef("k2", 2, 0, 20, 1, Instant.now());
    Map<String, Map.Entry<UnaryOperator<JobState>, Set<String>>> copies = new LinkedHashMap<>();
    copies.put(
        "running",
        Map.entry(
            s -> s.running("gpu(0)", null, "w1"),
            Set.of(
                "state",
                "device",
                "intraOpThreads",
                "error",
                "worker",
                "updatedAt",
                "finishedAt")));
    copies.put(
        "atPosition", Map.entry(s -> s.atPosition(5, 50), Set.of("epoch", "step", "updatedAt")));
    copies.put(
        "withCheckpoint",
        Map.entry(
            s -> s.withCheckpoint(second), Set.of("epoch", "step", "checkpoints", "updatedAt")));
    copies.put(
        "withoutCheckpoints",
        Map.entry(s -> s.withoutCheckpoints(List.of(first)), Set.of("checkpoints", "updatedAt")));
    copies.put(
        "finished",
        Map.entry(
            s -> s.finished(JobStatus.completed, null),
            Set.of("state", "error", "updatedAt", "finishedAt")));
    copies.put(
        "withInitFrom",
        Map.entry(s -> s.withInitFrom(new InitFrom("m", "v2")), Set.of("initFrom")));
    copies.put("withAttempts", Map.entry(s -> s.withAttempts(7), Set.of("attempts", "updatedAt")));
    copies.put(
        "queued", Map.entry(s -> s.queued(Instant.now(), "bob"), Set.of("queuedAt", "principal")));
    copies.put("underLease", Map.entry(s -> s.underLease(9), Set.of("leaseEpoch")));
    copies.put(
        "withTrace",
        Map.entry(
            s -> s.withTrace("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
            Set.of("traceparent")));

    for (Map.Entry<String, Map.Entry<UnaryOperator<JobState>, Set<String>>> c : copies.entrySet()) {
      JobState copy = c.getValue().getKey().apply(full);
      for (RecordComponent field : JobState.class.getRecordComponents()) {
        Object before = field.getAccessor().invoke(full);
        Object after = field.getAccessor().invoke(copy);
        if (c.getValue().getValue().contains(field.getName())) {
          assertThat(after).as("%s changes %s", c.getKey(), field.getName()).isNotEqualTo(before);
        } else {
          assertThat(after).as("%s keeps %s", c.getKey(), field.getName()).isEqualTo(before);
        }
      }
    }
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
