package io.cyclegan.training.job;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.cyclegan.common.messages.TrainingCommand.InitFrom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The durable state of one job, {@code jobs/{jobId}/state.json}: the source of truth every worker
 * reads before acting on a command, always written as one complete PUT.
 *
 * @param schema {@value #SCHEMA}
 * @param jobId the job id (also the model version)
 * @param state accepted, running, completed, failed or cancelled
 * @param model the model name
 * @param dataset the dataset name
 * @param version the model version the job publishes ({@code = jobId})
 * @param params the command's params as sent
 * @param device the device it trains on, once started (e.g. {@code cpu()}, {@code gpu(0)})
 * @param epoch epochs completed
 * @param step steps done since the start of the job
 * @param checkpoints complete checkpoints, oldest first; the last is the one to resume from
 * @param attempts runs of the job started since it last gave a sign of life (accepted, a
 *     checkpoint, an orderly stop): incremented before a worker builds the trainer, so a run that
 *     takes its worker down (out of memory, a native crash) is still counted; absent in older
 *     documents
 * @param error why the job failed
 * @param source where the start command was read (group, topic, partition, offset)
 * @param worker the instance id of the worker that last wrote this state
 * @param createdAt when the job was accepted
 * @param updatedAt when this state was written
 * @param finishedAt when the job reached a final state
 * @param initFrom the version a fine-tuning job starts from, pinned when it was accepted (a
 *     command's "latest" resolved), applied whenever the job starts with no checkpoint of its own;
 *     absent for fresh weights and in older documents
 * @param leaseEpoch the fencing epoch of the lease under which this state was written by a running
 *     worker ({@code jobs/{jobId}/lease.json}); absent before a worker took the job and in older
 *     documents. A worker that holds a higher epoch repairs a state written under a lower one.
 * @param queuedAt when the job entered the fleet's queue ({@code training/queue/}); absent in older
 *     documents
 * @param principal who sent the start command ({@code cg-principal}), recorded with the published
 *     model; absent when the command named none
 * @param intraOpThreads the libtorch intra-op threads the current or last run trains on ({@code
 *     EngineThreads.forTrainingSteps}), set with {@code device}; absent before a run started and in
 *     older documents
 * @param traceparent the start command's trace context ({@code traceparent}, validated), which
 *     every run of the job logs and carries on its events; absent in older documents
 */
public record JobState(
    String schema,
    String jobId,
    JobStatus state,
    String model,
    String dataset,
    String version,
    Map<String, Object> params,
    String device,
    int epoch,
    long step,
    List<CheckpointRef> checkpoints,
    Integer attempts,
    String error,
    CommandSource source,
    String worker,
    Instant createdAt,
    Instant updatedAt,
    Instant finishedAt,
    InitFrom initFrom,
    Long leaseEpoch,
    Instant queuedAt,
    String principal,
    Integer intraOpThreads,
    String traceparent) {

  public static final String SCHEMA = "cyclegan.training.job-state/v1";

  public JobState {
    params = params == null ? Map.of() : params;
    checkpoints = checkpoints == null ? List.of() : List.copyOf(checkpoints);
    attempts = attempts == null ? 0 : attempts;
  }

  /** A new job, accepted from the command at {@code source}. */
  public static JobState accepted(
      String jobId,
      String model,
      String dataset,
      Map<String, Object> params,
      CommandSource source,
      String worker) {
    Instant now = Instant.now();
    return new JobState(
        SCHEMA,
        jobId,
        JobStatus.accepted,
        model,
        dataset,
        jobId,
        params,
        null,
        0,
        0,
        List.of(),
        0,
        null,
        source,
        worker,
        now,
        now,
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  /** True when {@code other} is the very command this job was accepted from, redelivered. */
  public boolean isRedeliveryOf(CommandSource other) {
    return source != null && source.equals(other);
  }

  /** The newest complete checkpoint, if any. */
  @JsonIgnore
  public Optional<CheckpointRef> latestCheckpoint() {
    return checkpoints.isEmpty()
        ? Optional.empty()
        : Optional.of(checkpoints.get(checkpoints.size() - 1));
  }

  /**
   * The job running on {@code onDevice} with {@code threads} libtorch intra-op threads ({@code
   * null} where unknown) under {@code byWorker}.
   */
  public JobState running(String onDevice, Integer threads, String byWorker) {
    requireUnfinished("running");
    return copy(
        c -> {
          c.state = JobStatus.running;
          c.device = onDevice;
          c.intraOpThreads = threads;
          c.error = null;
          c.worker = byWorker;
          c.updatedAt = Instant.now();
          c.finishedAt = null;
        });
  }

  public JobState atPosition(int epochsDone, long stepsDone) {
    return copy(
        c -> {
          c.epoch = epochsDone;
          c.step = stepsDone;
          c.updatedAt = Instant.now();
        });
  }

  /** Records a checkpoint that is already completely in the store. */
  public JobState withCheckpoint(CheckpointRef ref) {
    // A resumed job rewrites the keys after the checkpoint it resumed from: keep the newest.
    List<CheckpointRef> all = new ArrayList<>(checkpoints);
    all.removeIf(c -> c.key().equals(ref.key()));
    all.add(ref);
    return copy(
        c -> {
          c.epoch = ref.epoch();
          c.step = ref.globalStep();
          c.checkpoints = all;
          c.updatedAt = Instant.now();
        });
  }

  /** Forgets checkpoints (retention keeps the newest); position and the rest stay. */
  public JobState withoutCheckpoints(List<CheckpointRef> dropped) {
    List<CheckpointRef> all = new ArrayList<>(checkpoints);
    all.removeAll(dropped);
    return copy(
        c -> {
          c.checkpoints = all;
          c.updatedAt = Instant.now();
        });
  }

  /**
   * The job in a final state.
   *
   * @throws IllegalStateException when it already is in one: final states are never rewritten
   */
  public JobState finished(JobStatus status, String reason) {
    if (!status.isFinished()) {
      throw new IllegalArgumentException(status + " is not a final state");
    }
    requireUnfinished(status.name());
    Instant now = Instant.now();
    return copy(
        c -> {
          c.state = status;
          c.error = reason;
          c.updatedAt = now;
          c.finishedAt = now;
        });
  }

  /** The same state, starting from {@code from}'s weights (see {@code initFrom}). */
  public JobState withInitFrom(InitFrom from) {
    return copy(c -> c.initFrom = from);
  }

  /** The same state with another attempt count (see {@code attempts}). */
  public JobState withAttempts(int count) {
    return copy(
        c -> {
          c.attempts = count;
          c.updatedAt = Instant.now();
        });
  }

  private void requireUnfinished(String next) {
    if (state.isFinished()) {
      throw new IllegalStateException(
          "job " + jobId + " is " + state + ", a final state; it cannot become " + next);
    }
  }

  /** The same state, queued at {@code at} by the command from {@code sender}. */
  public JobState queued(Instant at, String sender) {
    return copy(
        c -> {
          c.queuedAt = at;
          c.principal = sender;
        });
  }

  /** The same state, traced by the start command's {@code traceparent}. */
  public JobState withTrace(String header) {
    return copy(c -> c.traceparent = header);
  }

  /** The same state, written under the lease of epoch {@code fence}. */
  public JobState underLease(long fence) {
    return copy(c -> c.leaseEpoch = fence);
  }

  /**
   * The one copy path of this record: every field is carried over unless {@code change} sets it, so
   * a field added to the record is added here once ({@link Copy}) and no copy can lose it.
   */
  private JobState copy(Consumer<Copy> change) {
    Copy c = new Copy(this);
    change.accept(c);
    return c.build();
  }

  /** The fields of a state being copied, all of them. */
  private static final class Copy {
    private final String schema;
    private final String jobId;
    private JobStatus state;
    private final String model;
    private final String dataset;
    private final String version;
    private final Map<String, Object> params;
    private String device;
    private int epoch;
    private long step;
    private List<CheckpointRef> checkpoints;
    private Integer attempts;
    private String error;
    private final CommandSource source;
    private String worker;
    private final Instant createdAt;
    private Instant updatedAt;
    private Instant finishedAt;
    private InitFrom initFrom;
    private Long leaseEpoch;
    private Instant queuedAt;
    private String principal;
    private Integer intraOpThreads;
    private String traceparent;

    private Copy(JobState s) {
      schema = s.schema;
      jobId = s.jobId;
      state = s.state;
      model = s.model;
      dataset = s.dataset;
      version = s.version;
      params = s.params;
      device = s.device;
      epoch = s.epoch;
      step = s.step;
      checkpoints = s.checkpoints;
      attempts = s.attempts;
      error = s.error;
      source = s.source;
      worker = s.worker;
      createdAt = s.createdAt;
      updatedAt = s.updatedAt;
      finishedAt = s.finishedAt;
      initFrom = s.initFrom;
      leaseEpoch = s.leaseEpoch;
      queuedAt = s.queuedAt;
      principal = s.principal;
      intraOpThreads = s.intraOpThreads;
      traceparent = s.traceparent;
    }

    private JobState build() {
      return new JobState(
          schema,
          jobId,
          state,
          model,
          dataset,
          version,
          params,
          device,
          epoch,
          step,
          checkpoints,
          attempts,
          error,
          source,
          worker,
          createdAt,
          updatedAt,
          finishedAt,
          initFrom,
          leaseEpoch,
          queuedAt,
          principal,
          intraOpThreads,
          traceparent);
    }
  }
}
