package io.cyclegan.cli.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class FaultScheduleTest {

  private static final FaultSchedule.Bounds BOUNDS = FaultSchedule.Bounds.DEFAULT;

  @Test
  void shouldPlanTheSameFaultsForTheSameSeed() {
    FaultSchedule first = FaultSchedule.generate(42, Duration.ofMinutes(10), BOUNDS);
    FaultSchedule again = FaultSchedule.generate(42, Duration.ofMinutes(10), BOUNDS);
    FaultSchedule other = FaultSchedule.generate(43, Duration.ofMinutes(10), BOUNDS);

    assertThat(first.faults()).isNotEmpty().isEqualTo(again.faults());
    assertThat(other.faults()).isNotEqualTo(first.faults());
  }

  @Test
  void shouldKeepEveryFaultWithinItsBoundsAndTheRunsLength() {
    Duration length = Duration.ofMinutes(10);
    for (long seed = 0; seed < 50; seed++) {
      FaultSchedule schedule = FaultSchedule.generate(seed, length, BOUNDS);
      long clock = 0;
      for (PlannedFault f : schedule.faults()) {
        assertThat(f.gapBeforeMs()).isBetween(15_000L, 40_000L);
        switch (f.kind()) {
          case KILL, TERM -> {
            assertThat(f.durationMs()).isBetween(0L, 10_000L);
            assertThat(f.service()).isIn(FaultSchedule.SERVICES);
          }
          case BROKER_RESTART -> assertThat(f.durationMs()).isBetween(2_000L, 30_000L);
          case STORE_REFUSED, STORE_HUNG -> assertThat(f.durationMs()).isBetween(2_000L, 60_000L);
        }
        clock += f.gapBeforeMs() + f.durationMs();
      }
      assertThat(clock).isLessThanOrEqualTo(length.toMillis());
    }
  }

  @Test
  void shouldDrawEveryKindOfFaultAndHitEveryServiceOverALongSchedule() {
    FaultSchedule schedule = FaultSchedule.generate(7, Duration.ofHours(2), BOUNDS);

    Set<FaultKind> kinds =
        schedule.faults().stream().map(PlannedFault::kind).collect(Collectors.toSet());
    Set<String> services =
        schedule.faults().stream()
            .map(PlannedFault::service)
            .filter(s -> s != null)
            .collect(Collectors.toSet());
    assertThat(kinds).isEqualTo(EnumSet.allOf(FaultKind.class));
    assertThat(services).containsExactlyInAnyOrderElementsOf(FaultSchedule.SERVICES);
  }

  @Test
  void shouldNumberFaultsFromOne() {
    FaultSchedule schedule = FaultSchedule.generate(1, Duration.ofMinutes(5), BOUNDS);

    for (int i = 0; i < schedule.faults().size(); i++) {
      assertThat(schedule.faults().get(i).index()).isEqualTo(i + 1);
    }
  }
}
