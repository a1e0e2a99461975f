package io.cyclegan.training.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class JobQueueTest {

  @Test
  void shouldOrderEntriesByTheTimeTheyWereQueuedWhenKeysAreSorted() {
    String early = JobQueue.key("zebra-1", Instant.ofEpochMilli(999));
    String late = JobQueue.key("apple-1", Instant.ofEpochMilli(1_700_000_000_000L));

    assertThat(early).isEqualTo("training/queue/0000000000999-zebra-1");
    assertThat(early).isLessThan(late);
  }

  @Test
  void shouldReadBackTheJobAndTimeOfAnEntryKey() {
    Instant at = Instant.ofEpochMilli(1_700_000_000_123L);

    assertThat(JobQueue.parse(JobQueue.key("job-1", at)))
        .contains(new JobQueue.Entry(JobQueue.key("job-1", at), "job-1", at));
  }

  @Test
  void shouldIgnoreKeysThePipelineDidNotWriteWhenParsing() {
    assertThat(JobQueue.parse("training/queue/notes.txt")).isEmpty();
    assertThat(JobQueue.parse("training/queue/000000000099x-job")).isEmpty();
    assertThat(JobQueue.parse("training/queue/0000000000999-../../etc")).isEmpty();
  }
}
