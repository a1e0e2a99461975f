package io.cyclegan.training.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cyclegan.common.store.ObjectInfo;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.common.testkit.StackKit;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.LocalStackExtension;
import io.cyclegan.training.artifacts.CheckpointStore;
import io.cyclegan.training.artifacts.JobKeys;
import io.cyclegan.training.job.CheckpointRef;
import io.cyclegan.training.job.CommandSource;
import io.cyclegan.training.job.Fence;
import io.cyclegan.training.job.FencedWrites;
import io.cyclegan.training.job.JobState;
import io.cyclegan.training.job.JobStore;
import io.cyclegan.training.metrics.TrainingMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17: a worker that lost a job's lease (a pause, a partition, a clock that ran slow) but
 * still believes it holds the job never changes what the job resumes from. Worker A's clock is
 * frozen, so by its own reckoning its lease stays valid; worker B's clock is driven past the time
 * to live, so B sees A's lease unchanged for a whole time to live and takes the job over. Real
 * leases, checkpoints and state on the embedded S3 store.
 */
@ExtendWith(LocalStackExtension.class)
class FencedWritesIT {
  private static final Duration TTL = Duration.ofSeconds(4);
  private static final CommandSource SOURCE =
      new CommandSource("cyclegan-training", "cyclegan.training.commands", 0, 7);
  private static final BooleanSupplier NEVER = () -> false;

  @TempDir Path tmp;

  private ObjectStore store;
  private JobStore jobs;
  private CheckpointStore checkpoints;
  private String jobId;
  private final String model = "fence";
  private final SimpleMeterRegistry registryA = new SimpleMeterRegistry();
  private Leases.Held leaseA;
  private FencedWrites writesA;
  private JobState stateA;
  private Leases.Held leaseB;
  private FencedWrites writesB;
  private JobState stateB;
  private CheckpointRef checkpointB;

  @BeforeEach
  void aTakeoverByBWhileAStillBelievesItHoldsTheJob(LocalStack stack) throws Exception {
    store = StackKit.store(stack);
    jobs = new JobStore(store);
    checkpoints = new CheckpointStore(store, tmp.resolve("ckpt"), 3);
    jobId = "fence-" + UUID.randomUUID().toString().substring(0, 8);

    // A takes the job, checkpoints epoch 1 and records it.
    Leases workerA = new Leases(store, "worker-a", false, TTL, new DrivenClock());
    leaseA = workerA.tryAcquire(jobId, workerA.read(jobId)).orElseThrow();
    writesA = new FencedWrites(jobId, jobs, leaseA, new TrainingMetrics(registryA));
    stateA =
        writesA.writeState(
            JobState.accepted(jobId, model, "ds", Map.of(), SOURCE, "worker-a")
                .running("cpu()", 1, "worker-a"),
            NEVER);
    writesA.beforeWrite("checkpoint", NEVER);
    CheckpointRef checkpointA = upload("A at epoch 1", 1, 10, leaseA.epoch());
    stateA = writesA.writeState(stateA.withCheckpoint(checkpointA), NEVER);

    // A pauses. B sees its lease unchanged for a whole time to live and takes the job over.
    DrivenClock clockB = new DrivenClock();
    Leases workerB = new Leases(store, "worker-b", false, TTL, clockB);
    assertThat(workerB.looksFree(jobId, workerB.read(jobId))).isFalse();
    clockB.advance(TTL);
    assertThat(workerB.looksFree(jobId, workerB.read(jobId))).isTrue();
    leaseB = workerB.tryAcquire(jobId, workerB.read(jobId)).orElseThrow();
    assertThat(leaseB.epoch()).isEqualTo(leaseA.epoch() + 1);

    // B resumes from A's checkpoint, trains on and checkpoints epoch 2 under its own lease.
    JobState read = jobs.read(jobId).orElseThrow();
    assertThat(last(checkpoints.resumeCandidates(read))).isEqualTo(checkpointA);
    writesB = new FencedWrites(jobId, jobs, leaseB, new TrainingMetrics(new SimpleMeterRegistry()));
    stateB = writesB.writeState(read.running("cpu()", 1, "worker-b"), NEVER);
    writesB.beforeWrite("checkpoint", NEVER);
    checkpointB = upload("B at epoch 2", 2, 20, leaseB.epoch());
    stateB = writesB.writeState(stateB.withCheckpoint(checkpointB), NEVER);

    assertThat(leaseA.isValid()).as("A's own clock says its lease is still valid").isTrue();
  }

  @Test
  void shouldRefuseAStaleHoldersWritesAndStopItWhenAnotherWorkerTookTheJobOver() {
    assertThatThrownBy(() -> writesA.writeState(stateA.atPosition(2, 20), NEVER))
        .isInstanceOf(Fence.LeaseLostException.class);
    assertThatThrownBy(() -> writesA.beforeWrite("checkpoint", NEVER))
        .isInstanceOf(Fence.LeaseLostException.class);

    assertThat(leaseA.isLost())
        .as("A gave the job up: its run stops before its next step")
        .isTrue();
    assertThat(leaseA.isValid()).isFalse();
    assertThat(
            registryA
                .get("cyclegan.training.fenced.writes.refused")
                .tag("write", "state")
                .counter()
                .count())
        .isEqualTo(1.0);
    JobState stored = jobs.read(jobId).orElseThrow();
    assertThat(stored.leaseEpoch()).isEqualTo(leaseB.epoch());
    assertThat(last(checkpoints.resumeCandidates(stored))).isEqualTo(checkpointB);
  }

  @Test
  void shouldResumeFromTheNewHoldersCheckpointWhenTheStaleHoldersWritesLandAfterTheTakeover()
      throws Exception {
    // The one window a timed lease leaves: A's writes passed its checks before the takeover and
    // land after it (a pause between check and PUT longer than the margin). Here they land now.
    CheckpointRef lateCheckpoint = upload("A at epoch 2, late", 2, 20, leaseA.epoch());
    jobs.write(stateA.withCheckpoint(lateCheckpoint).underLease(leaseA.epoch()));

    assertThat(bytes(checkpointB.key()))
        .as("B's checkpoint, which no other holder can overwrite")
        .isEqualTo("B at epoch 2");
    JobState stored = jobs.read(jobId).orElseThrow();
    assertThat(stored.leaseEpoch()).as("A's late state landed").isEqualTo(leaseA.epoch());
    CheckpointRef resumeFrom = last(checkpoints.resumeCandidates(stored));
    assertThat(resumeFrom.key()).as("what the next run resumes from").isEqualTo(checkpointB.key());
    assertThat(bytes(resumeFrom.key())).isEqualTo("B at epoch 2");
    List<String> listed =
        store.list(JobKeys.checkpointPrefix(model, jobId)).stream().map(ObjectInfo::key).toList();
    assertThat(JobKeys.newestCheckpoint(listed))
        .as("what an export or a fine-tuning job takes")
        .contains(checkpointB.key());

    // B's next write puts its own state back (it still holds the lease), and its retention
    // deletes the late checkpoint, which nobody names.
    stateB = writesB.writeState(stateB.atPosition(2, 21), NEVER);
    assertThat(jobs.read(jobId).orElseThrow().leaseEpoch()).isEqualTo(leaseB.epoch());
    assertThat(checkpoints.orphans(stateB, leaseB.epoch()))
        .extracting(CheckpointRef::key)
        .containsExactly(lateCheckpoint.key());
    checkpoints.delete(checkpoints.orphans(stateB, leaseB.epoch()));
    assertThat(store.exists(lateCheckpoint.key())).isFalse();
    assertThat(store.exists(checkpointB.key())).isTrue();
  }

  private CheckpointRef upload(String content, int epoch, long step, long leaseEpoch)
      throws Exception {
    Path file = Files.createTempFile(tmp, "ckpt-", ".tmp");
    Files.writeString(file, content);
    return checkpoints.upload(file, model, jobId, epoch, 0, step, leaseEpoch);
  }

  private String bytes(String key) {
    return new String(store.get(key).orElseThrow(), StandardCharsets.UTF_8);
  }

  private static CheckpointRef last(List<CheckpointRef> refs) {
    return refs.get(refs.size() - 1);
  }
}
