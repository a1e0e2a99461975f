package io.cyclegan.inference.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {
  private static final TopicPartition TP = new TopicPartition("t", 0);

  @Test
  void shouldCommitOnlyUpToTheLowestUnfinishedOffsetWhenRequestsFinishOutOfOrder() {
    OffsetTracker tracker = new OffsetTracker();
    OffsetTracker.Partition p = tracker.assign(TP);
    for (long o = 10; o < 15; o++) {
      tracker.start(TP, o);
    }
    p.finish(12);
    p.finish(13);
    assertThat(tracker.committable(null)).as("10 is the first unfinished").isEmpty();
    p.finish(10);
    assertThat(tracker.committable(null).get(TP).offset()).isEqualTo(11);
    p.finish(11);
    p.finish(14);
    assertThat(tracker.committable(null).get(TP).offset()).isEqualTo(15);
  }

  @Test
  void shouldNotCommitTheSamePositionTwice() {
    OffsetTracker tracker = new OffsetTracker();
    OffsetTracker.Partition p = tracker.assign(TP);
    tracker.start(TP, 0);
    p.finish(0);
    tracker.committed(tracker.committable(null));
    assertThat(tracker.committable(null)).isEmpty();
  }

  @Test
  void shouldIgnoreFinishesFromARevokedAssignment() {
    OffsetTracker tracker = new OffsetTracker();
    OffsetTracker.Partition old = tracker.assign(TP);
    tracker.start(TP, 5);
    tracker.revoke(List.of(TP));
    OffsetTracker.Partition now = tracker.assign(TP);
    tracker.start(TP, 5);
    old.finish(5);
    assertThat(tracker.committable(null)).isEmpty();
    assertThat(tracker.unfinished(List.of(TP))).isEqualTo(1);
    now.finish(5);
    assertThat(tracker.committable(null).get(TP).offset()).isEqualTo(6);
  }
}
