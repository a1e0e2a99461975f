package io.cyclegan.cli.chaos;

import java.util.List;
import java.util.Locale;

/**
 * The figures of a chaos run, as the one JSON line it prints.
 *
 * <ul>
 *   <li>{@code requests}: translation requests whose send Kafka acknowledged;
 *   <li>{@code resultsOk}, {@code resultsError}: of those, the requests with at least one {@code
 *       ok} (or {@code error}) result;
 *   <li>{@code lost}: of those, the requests with no result at all at the end;
 *   <li>{@code duplicates}: results beyond the first for the same request id;
 *   <li>{@code jobs}: training jobs whose start command Kafka acknowledged; {@code jobsCompleted},
 *       {@code jobsFailed} (failed or cancelled; the run never cancels) by their first terminal
 *       event;
 *   <li>{@code maxRecoverySeconds}: the longest {@link Recovery} of any fault;
 *   <li>{@code faultsInjected}: faults that ran.
 * </ul>
 */
record ChaosSummary(
    long requests,
    long resultsOk,
    long resultsError,
    long lost,
    long duplicates,
    long jobs,
    long jobsCompleted,
    long jobsFailed,
    double maxRecoverySeconds,
    int faultsInjected,
    long seed) {

  static ChaosSummary tally(
      List<Ledger.Request> requests,
      List<Ledger.Job> jobs,
      List<Double> recoverySeconds,
      int faultsInjected,
      long seed) {
    List<Ledger.Request> acked = requests.stream().filter(Ledger.Request::acked).toList();
    long ok = acked.stream().filter(r -> r.results().stream().anyMatch(Ledger.Result::ok)).count();
    long error = acked.stream().filter(r -> r.results().stream().anyMatch(x -> !x.ok())).count();
    long lost = acked.stream().filter(r -> r.results().isEmpty()).count();
    long duplicates = acked.stream().mapToLong(r -> Math.max(0, r.results().size() - 1)).sum();
    List<Ledger.Job> sentJobs = jobs.stream().filter(Ledger.Job::acked).toList();
    long completed = sentJobs.stream().filter(j -> "completed".equals(j.terminal())).count();
    long failed =
        sentJobs.stream()
            .filter(j -> "failed".equals(j.terminal()) || "cancelled".equals(j.terminal()))
            .count();
    double maxRecovery =
        Math.round(recoverySeconds.stream().mapToDouble(Double::doubleValue).max().orElse(0) * 10)
            / 10.0;
    return new ChaosSummary(
        acked.size(),
        ok,
        error,
        lost,
        duplicates,
        sentJobs.size(),
        completed,
        failed,
        maxRecovery,
        faultsInjected,
        seed);
  }

  /** Jobs with no terminal event: neither completed nor failed by the end of the drain. */
  long jobsUnfinished() {
    return jobs - jobsCompleted - jobsFailed;
  }

  /** The promise of the fault model: nothing lost, no job failed or left unfinished, no error. */
  boolean promiseKept() {
    return lost == 0 && jobsFailed == 0 && resultsError == 0 && jobsUnfinished() == 0;
  }

  String toJsonLine() {
    return String.format(
        Locale.ROOT,
        "{\"requests\":%d,\"resultsOk\":%d,\"resultsError\":%d,\"lost\":%d,\"duplicates\":%d,"
            + "\"jobs\":%d,\"jobsCompleted\":%d,\"jobsFailed\":%d,\"maxRecoverySeconds\":%.1f,"
            + "\"faultsInjected\":%d,\"seed\":%d}",
        requests,
        resultsOk,
        resultsError,
        lost,
        duplicates,
        jobs,
        jobsCompleted,
        jobsFailed,
        maxRecoverySeconds,
        faultsInjected,
        seed);
  }
}
