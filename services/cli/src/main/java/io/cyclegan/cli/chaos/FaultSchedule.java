package io.cyclegan.cli.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A seeded random schedule of faults, one at a time: the same seed and bounds give the same list on
 * every machine, so a run that found a bug can be repeated. Every fault is equally likely among
 * nine: kill -9 or SIGTERM of each of the three services, a broker restart, the store refused, the
 * store hung.
 *
 * <p>The schedule is planned on a nominal clock (the sum of gaps and durations); at run time a
 * fault also waits for the pipeline to recover from the one before, so the faults actually run may
 * be fewer than planned. The run folder records both.
 */
record FaultSchedule(long seed, List<PlannedFault> faults) {

  static final List<String> SERVICES = List.of("ingest", "training", "inference");

  /** The bounds the faults are drawn from; durations and gaps are uniform in [min, max]. */
  record Bounds(
      Duration storeOutageMin,
      Duration storeOutageMax,
      Duration brokerOutageMin,
      Duration brokerOutageMax,
      Duration processDownMin,
      Duration processDownMax,
      Duration gapMin,
      Duration gapMax) {

    /**
     * The figures: store 2-60 s, broker down 2-30 s, a process down 0-10 s, 15-40 s apart.
     */
    static final Bounds DEFAULT =
        new Bounds(
            Duration.ofSeconds(2),
            Duration.ofSeconds(60),
            Duration.ofSeconds(2),
            Duration.ofSeconds(30),
            Duration.ZERO,
            Duration.ofSeconds(10),
            Duration.ofSeconds(15),
            Duration.ofSeconds(40));
  }

  FaultSchedule {
    faults = List.copyOf(faults);
  }

  /** Faults until the nominal clock passes {@code length}. */
  static FaultSchedule generate(long seed, Duration length, Bounds bounds) {
    Random random = new Random(seed);
    List<PlannedFault> faults = new ArrayList<>();
    long clockMs = 0;
    while (true) {
      long gap = uniform(random, bounds.gapMin(), bounds.gapMax());
      int pick = random.nextInt(9);
      FaultKind kind;
      String service = null;
      long duration;
      if (pick < 6) {
        kind = pick < 3 ? FaultKind.KILL : FaultKind.TERM;
        service = SERVICES.get(pick % 3);
        duration = uniform(random, bounds.processDownMin(), bounds.processDownMax());
      } else if (pick == 6) {
        kind = FaultKind.BROKER_RESTART;
        duration = uniform(random, bounds.brokerOutageMin(), bounds.brokerOutageMax());
      } else {
        kind = pick == 7 ? FaultKind.STORE_REFUSED : FaultKind.STORE_HUNG;
        duration = uniform(random, bounds.storeOutageMin(), bounds.storeOutageMax());
      }
      if (clockMs + gap + duration > length.toMillis()) {
        return new FaultSchedule(seed, faults);
      }
      clockMs += gap + duration;
      faults.add(new PlannedFault(faults.size() + 1, kind, service, gap, duration));
    }
  }

  private static long uniform(Random random, Duration min, Duration max) {
    long lo = min.toMillis();
    long hi = max.toMillis();
    if (hi < lo) {
      throw new IllegalArgumentException("bound " + max + " is below " + min);
    }
    // Whole 100 ms steps: the schedule file reads as 12.3 s, not 12.347 s.
    long steps = (hi - lo) / 100;
    return lo + 100 * (steps == 0 ? 0 : random.nextLong(steps + 1));
  }
}
