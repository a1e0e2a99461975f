package io.cyclegan.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {

  // The reference defaults: 100 constant epochs, 100 decaying ones.
  private final LearningRateSchedule schedule = new LearningRateSchedule(100, 100);

  @Test
  void shouldBeOneWhenFirstEpoch() {
    assertThat(schedule.factor(0)).isEqualTo(1.0);
  }

  @Test
  void shouldBeOneWhenLastConstantEpoch() {
    assertThat(schedule.factor(99)).isEqualTo(1.0);
  }

  @Test
  void shouldDecayLinearlyWhenMiddleOfDecay() {
    // e = 149: 1 - (149 + 1 - 100) / 101 = 1 - 50/101
    assertThat(schedule.factor(149)).isCloseTo(51.0 / 101.0, within(1e-12));
    assertThat(schedule.factor(100)).isCloseTo(100.0 / 101.0, within(1e-12));
  }

  @Test
  void shouldStayAboveZeroWhenLastEpoch() {
    // e = 199: 1 - 100/101, the reference never reaches zero.
    assertThat(schedule.factor(199)).isCloseTo(1.0 / 101.0, within(1e-12));
  }
}
