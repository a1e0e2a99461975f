package io.cyclegan.training.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LossLogTest {
  private static LossRow row(int epoch, long step) {
    return new LossRow(
        epoch, 1, step, List.of(0.5, 1.0, 2.0, 0.25, 0.5, 1.0, 2.0, 0.25), 12.5, 2e-4);
  }

  @Test
  void shouldReadBackWhatItWroteWhenParsed() {
    LossLog log = new LossLog();
    log.add(row(1, 2));
    log.add(row(2, 4));
    String csv = log.toCsv();
    assertThat(csv.lines().findFirst().orElseThrow())
        .isEqualTo(
            "epoch,step_in_epoch,global_step,D_A,G_A,cycle_A,idt_A,D_B,G_B,cycle_B,idt_B,"
                + "images_per_second,learning_rate");
    assertThat(LossLog.parse(csv).rows()).containsExactly(row(1, 2), row(2, 4));
  }

  @Test
  void shouldDropRowsAfterCheckpointWhenResumed() {
    LossLog log = new LossLog();
    log.add(row(1, 2));
    log.add(row(1, 4));
    log.add(row(2, 6));
    log.truncateAfter(4);
    assertThat(log.rows()).extracting(LossRow::globalStep).containsExactly(2L, 4L);
  }

  @Test
  void shouldSkipDamagedLinesWhenParsing() {
    LossLog log = LossLog.parse(LossLog.HEADER + "\n1,2,3\nx,1,1,1,1,1,1,1,1,1,1,1,1\n");
    assertThat(log.rows()).isEmpty();
  }
}
