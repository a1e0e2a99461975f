package io.cyclegan.training.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class AttemptsTest {
  private static final JobState ACCEPTED =
      JobState.accepted("job-1", "m", "d", Map.of(), new CommandSource("g", "t", 0, 5), "w0");

  @Test
  void shouldCountOneMoreAttemptWhenARunBegins() {
    Attempts attempts = new Attempts(3);

    JobState first = attempts.begin(ACCEPTED);
    JobState second = attempts.begin(first);

    assertThat(first.attempts()).isEqualTo(1);
    assertThat(second.attempts()).isEqualTo(2);
  }

  @Test
  void shouldBeExhaustedNamingCountAndVariableWhenMaxRunsEndedWithoutWord() {
    Attempts attempts = new Attempts(3);
    JobState state = ACCEPTED.withAttempts(3);

    assertThat(attempts.exhausted(ACCEPTED.withAttempts(2))).isFalse();
    assertThat(attempts.exhausted(state)).isTrue();
    assertThat(attempts.reason(state)).contains("3 times", "CYCLEGAN_TRAINING_MAX_ATTEMPTS is 3");
  }

  @Test
  void shouldNotCountAgainWhenThisWorkerLeftTheRunAlive() {
    Attempts attempts = new Attempts(3);
    JobState running = attempts.begin(ACCEPTED.withAttempts(2));
    attempts.leftAlive("job-1");

    assertThat(attempts.exhausted(running)).isFalse();
    assertThat(attempts.begin(running).attempts()).isEqualTo(3);
    assertThat(attempts.exhausted(running)).as("only the next run is free").isTrue();
  }
}
