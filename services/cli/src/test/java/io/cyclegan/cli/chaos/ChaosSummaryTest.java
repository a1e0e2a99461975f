package io.cyclegan.cli.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChaosSummaryTest {

  @Test
  void shouldCountLostDuplicatesAndErrorsPerAcknowledgedRequest() {
    Ledger ledger = new Ledger();
    for (String id : List.of("ok", "twice", "error", "lost", "unsent")) {
      ledger.requestSent(id, 1_000);
    }
    for (String id : List.of("ok", "twice", "error", "lost")) {
      ledger.requestAcked(id, 1_010);
    }
    ledger.requestFailed("unsent", "TimeoutException");
    ledger.result("ok", true, null, 2_000);
    ledger.result("twice", true, null, 2_000);
    ledger.result("twice", true, null, 2_500);
    ledger.result("twice", true, null, 2_600);
    ledger.result("error", false, "object store: get failed", 2_000);
    ledger.result("someone-else", true, null, 2_000);

    ChaosSummary summary = ChaosSummary.tally(ledger.requests(), ledger.jobs(), List.of(), 0, 9);

    assertThat(summary.requests()).isEqualTo(4);
    assertThat(summary.resultsOk()).isEqualTo(2);
    assertThat(summary.resultsError()).isEqualTo(1);
    assertThat(summary.lost()).isEqualTo(1);
    assertThat(summary.duplicates()).isEqualTo(2);
    assertThat(ledger.unexpectedResults()).containsExactly("someone-else");
    assertThat(summary.promiseKept()).isFalse();
  }

  @Test
  void shouldCountJobsByTheirFirstTerminalEvent() {
    Ledger ledger = new Ledger();
    ledger.jobSent("done", 0, true);
    ledger.jobSent("rewritten", 0, true);
    ledger.jobSent("failed", 0, true);
    ledger.jobSent("running", 0, true);
    ledger.jobEnded("done", "completed", null, 10);
    ledger.jobEnded("rewritten", "completed", null, 10);
    ledger.jobEnded("rewritten", "failed", "kafka away", 20);
    ledger.jobEnded("failed", "failed", "store refused", 10);

    ChaosSummary summary = ChaosSummary.tally(List.of(), ledger.jobs(), List.of(), 0, 9);

    assertThat(summary.jobs()).isEqualTo(4);
    assertThat(summary.jobsCompleted()).isEqualTo(2);
    assertThat(summary.jobsFailed()).isEqualTo(1);
    assertThat(summary.jobsUnfinished()).isEqualTo(1);
    assertThat(summary.promiseKept()).isFalse();
  }

  @Test
  void shouldPrintTheFiguresAsOneJsonLineWithTheLongestRecovery() {
    ChaosSummary summary =
        ChaosSummary.tally(List.of(), List.of(), List.of(1.24, 37.06, 3.0), 3, 42);

    assertThat(summary.toJsonLine())
        .isEqualTo(
            "{\"requests\":0,\"resultsOk\":0,\"resultsError\":0,\"lost\":0,\"duplicates\":0,"
                + "\"jobs\":0,\"jobsCompleted\":0,\"jobsFailed\":0,\"maxRecoverySeconds\":37.1,"
                + "\"faultsInjected\":3,\"seed\":42}");
    assertThat(summary.promiseKept()).isTrue();
  }

  @Test
  void shouldMeasureRecoveryByTheFirstOkResultOfARequestSentAfterTheFaultEnded() {
    Ledger ledger = new Ledger();
    ledger.requestSent("before", 900);
    ledger.requestSent("after-error", 1_100);
    ledger.requestSent("after-ok", 1_500);
    ledger.result("before", true, null, 1_050); // already under way: not a recovery
    ledger.result("after-error", false, "boom", 1_200);
    ledger.result("after-ok", true, null, 4_000);

    Recovery.Measure m = Recovery.after(1_000, ledger.requests(), 10_000);
    Recovery.Measure none = Recovery.after(5_000, ledger.requests(), 10_000);

    assertThat(m.recovered()).isTrue();
    assertThat(m.seconds()).isEqualTo(3.0);
    assertThat(none.recovered()).isFalse();
    assertThat(none.seconds()).isEqualTo(5.0);
  }
}
