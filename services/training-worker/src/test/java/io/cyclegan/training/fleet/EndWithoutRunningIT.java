package io.cyclegan.training.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.common.testkit.StackKit;
import io.cyclegan.common.trace.TraceContext;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.LocalStackExtension;
import io.cyclegan.training.commands.CommandHandler;
import io.cyclegan.training.job.Attempts;
import io.cyclegan.training.job.CommandSource;
import io.cyclegan.training.job.Fence;
import io.cyclegan.training.job.FencedWrites;
import io.cyclegan.training.job.JobState;
import io.cyclegan.training.job.JobStatus;
import io.cyclegan.training.job.JobStore;
import io.cyclegan.training.metrics.TrainingMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A queued job that a worker ends without running it (a cancel arrived while it waited, or its runs
 * kept killing their workers) gets its final state through the same fence as a run's writes: a
 * worker that stalled after taking the lease, while another worker took the job over and runs it,
 * must not make the running job cancelled or failed. Worker A's clock is frozen (by its own
 * reckoning its lease stays valid); worker B's clock is driven past the time to live.
 */
@ExtendWith(LocalStackExtension.class)
class EndWithoutRunningIT {
  private static final Duration TTL = Duration.ofSeconds(4);
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String TRACEPARENT = "00-" + TRACE_ID + "-00f067aa0ba902b7-01";
  private static final CommandSource SOURCE =
      new CommandSource("cyclegan-training", "cyclegan.training.commands", 0, 11);

  @TempDir Path tmp;

  private ObjectStore store;
  private JobStore jobs;
  private WorkerParts a;
  private String jobId;

  @BeforeEach
  void setUp(LocalStack stack) {
    store = StackKit.store(stack);
    jobs = new JobStore(store);
    a = new WorkerParts(stack, store, "worker-a", "cyclegan.training.events", tmp.resolve("a"));
    jobId = "end-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @AfterEach
  void tearDown() {
    a.close();
  }

  @Test
  void shouldNotCancelAJobThatAnotherWorkerTookOverWhileThisOneStalled() throws Exception {
    JobState queued = queued();
    Leases.Held leaseA = claimThenLoseToB();
    CommandHandler handler = a.handler(new Leases(store, "worker-a", false, TTL), new Attempts(3));

    assertThatThrownBy(() -> handler.endWithoutRunning(queued, true, leaseA))
        .isInstanceOf(Fence.LeaseLostException.class)
        .hasMessageContaining("worker-b");

    assertB();
  }

  @Test
  void shouldNotFailAJobThatAnotherWorkerTookOverWhileThisOneStalled() throws Exception {
    JobState exhausted = queued().withAttempts(3);
    jobs.write(exhausted);
    Leases.Held leaseA = claimThenLoseToB();
    CommandHandler handler = a.handler(new Leases(store, "worker-a", false, TTL), new Attempts(3));

    assertThatThrownBy(() -> handler.endWithoutRunning(exhausted, false, leaseA))
        .isInstanceOf(Fence.LeaseLostException.class);

    assertB();
  }

  @Test
  void shouldCancelAQueuedJobUnderItsLeaseWhenNoOtherWorkerTookIt(LocalStack stack)
      throws Exception {
    // Queued by a start command that carried a trace: the cancelled event stays in it.
    JobState queued = jobs.write(queued().withTrace(TRACEPARENT));
    Leases leases = new Leases(store, "worker-a", false, TTL, new DrivenClock());
    Leases.Held lease = leases.tryAcquire(jobId, leases.read(jobId)).orElseThrow();

    assertThat(a.handler(leases, new Attempts(3)).endWithoutRunning(queued, true, lease)).isTrue();

    JobState stored = jobs.read(jobId).orElseThrow();
    assertThat(stored.state()).isEqualTo(JobStatus.cancelled);
    assertThat(stored.leaseEpoch()).isEqualTo(lease.epoch());
    // Sent and acknowledged before endWithoutRunning returned.
    try (StackKit kit = new StackKit(stack)) {
      ConsumerRecord<byte[], byte[]> cancelled =
          kit.readAll("cyclegan.training.events").stream()
              .filter(r -> jobId.equals(new String(r.key(), StandardCharsets.UTF_8)))
              .findFirst()
              .orElseThrow();
      Header trace = cancelled.headers().lastHeader(TraceContext.HEADER);
      assertThat(trace).as("the cancelled event's traceparent").isNotNull();
      assertThat(TraceContext.parse(new String(trace.value(), StandardCharsets.UTF_8)).traceId())
          .isEqualTo(TRACE_ID);
    }
  }

  private JobState queued() {
    return jobs.write(
        JobState.accepted(jobId, "m", "ds", Map.of(), SOURCE, "worker-a")
            .queued(Instant.now(), null));
  }

  /**
   * A takes the lease and stalls; B sees it unchanged for a whole time to live, takes the job over
   * and writes its running state. A's lease, still valid by A's own clock.
   */
  private Leases.Held claimThenLoseToB() throws InterruptedException {
    Leases workerA = new Leases(store, "worker-a", false, TTL, new DrivenClock());
    Leases.Held leaseA = workerA.tryAcquire(jobId, workerA.read(jobId)).orElseThrow();
    DrivenClock clockB = new DrivenClock();
    Leases workerB = new Leases(store, "worker-b", false, TTL, clockB);
    assertThat(workerB.looksFree(jobId, workerB.read(jobId))).isFalse();
    clockB.advance(TTL);
    assertThat(workerB.looksFree(jobId, workerB.read(jobId))).isTrue();
    Leases.Held leaseB = workerB.tryAcquire(jobId, workerB.read(jobId)).orElseThrow();
    new FencedWrites(jobId, jobs, leaseB, new TrainingMetrics(new SimpleMeterRegistry()))
        .writeState(jobs.read(jobId).orElseThrow().running("cpu()", 1, "worker-b"), () -> false);
    assertThat(leaseA.isValid()).as("A's own clock says its lease is still valid").isTrue();
    return leaseA;
  }

  /** B's running state is what the store holds; A counted a refused write and a stop. */
  private void assertB() {
    JobState stored = jobs.read(jobId).orElseThrow();
    assertThat(stored.state()).isEqualTo(JobStatus.running);
    assertThat(stored.worker()).isEqualTo("worker-b");
    assertThat(stored.leaseEpoch()).isEqualTo(2L);
    assertThat(a.count("cyclegan.training.fenced.writes.refused", "write", "state")).isEqualTo(1);
    assertThat(a.count("cyclegan.training.run.interruptions", "cause", "lease_taken")).isEqualTo(1);
  }
}
