package io.cyclegan.training.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.cyclegan.common.messages.Headers;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.messages.MessageFormatException;
import io.cyclegan.common.messages.TrainingCommand;
import io.cyclegan.common.messages.TrainingCommand.InitFrom;
import io.cyclegan.common.messages.TrainingEvent;
import io.cyclegan.common.messages.TrainingEvent.Type;
import io.cyclegan.common.runtime.DeadLetters;
import io.cyclegan.common.store.Names;
import io.cyclegan.common.trace.TraceContext;
import io.cyclegan.common.trust.LogValues;
import io.cyclegan.common.trust.ReasonCode;
import io.cyclegan.model.CycleGanConfig;
import io.cyclegan.training.artifacts.ImportedVersions;
import io.cyclegan.training.artifacts.ModelPublisher;
import io.cyclegan.training.artifacts.StartingWeights;
import io.cyclegan.training.fleet.JobLauncher;
import io.cyclegan.training.fleet.JobQueue;
import io.cyclegan.training.fleet.Lease;
import io.cyclegan.training.fleet.Leases;
import io.cyclegan.training.job.Attempts;
import io.cyclegan.training.job.CommandSource;
import io.cyclegan.training.job.Fence;
import io.cyclegan.training.job.FencedWrites;
import io.cyclegan.training.job.JobEvents;
import io.cyclegan.training.job.JobSpec;
import io.cyclegan.training.job.JobState;
import io.cyclegan.training.job.JobStatus;
import io.cyclegan.training.job.JobStore;
import io.cyclegan.training.job.RunningJob;
import io.cyclegan.training.limits.ParamBounds;
import io.cyclegan.training.metrics.TrainingMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Decides what one command means, on the poll thread, whether or not a job runs here; and, as the
 * fleet's {@link JobLauncher}, what a job taken from the queue means. The rules:
 *
 * <ul>
 *   <li>a start whose job has no state.json is validated and checked against this worker's {@link
 *       ParamBounds} (and its {@code initFrom} against the store: the version exists, has both
 *       generators and the job's architecture), then accepted and put in the fleet's {@link
 *       JobQueue} (whichever worker is idle runs it), or failed with the bad field (or the bound,
 *       or what is wrong with the initFrom version) named, and dead-lettered;
 *   <li>a start whose job has a state.json recorded from this very command (same group, topic,
 *       partition and offset) is a redelivery: an unfinished job is put in the queue again (a no-op
 *       when it is there); a finished one sends its final event again (and a completed one its
 *       model announcement);
 *   <li>any other start of an existing job is a duplicate and starts nothing;
 *   <li>a cancel of an unfinished job that no worker holds makes it cancelled at once (under its
 *       lease, taken for that); one that a worker holds is recorded in the store, and that worker
 *       stops it at its next lease renewal (its cancel watcher usually sees it sooner); a finished
 *       or unknown one is ignored with a log line;
 *   <li>a job taken from the queue whose runs kept taking their worker down ({@link Attempts}) is
 *       failed with that reason instead of run;
 *   <li>an import is a short job run here, on the poll thread (reading and publishing generators
 *       takes seconds): accepted, then completed with the published version ({@code = jobId}) or
 *       failed with what the readers refused (and dead-lettered). Its redelivery follows the
 *       start's rules, and an unfinished one runs again to the same version, so one import id never
 *       publishes two versions.
 * </ul>
 */
public final class CommandHandler implements JobLauncher {
  private static final Logger log = LoggerFactory.getLogger(CommandHandler.class);

  /** An invalid command's reason is cut here: it names every known parameter, not a novel. */
  private static final int MAX_REASON_CHARS = 2_000;

  private final JobStore jobs;
  private final JobEvents events;
  private final DeadLetters deadLetters;
  private final TrainingMetrics metrics;
  private final String group;
  private final String workerDevice;
  private final String workerId;
  private final ParamBounds bounds;
  private final Attempts attempts;
  private final ModelPublisher publisher;
  private final StartingWeights startingWeights;
  private final ImportedVersions imports;
  private final ModelPublishers publishers;
  private final JobQueue queue;
  private final Leases leases;
  private final BiFunction<JobSpec, Fence, RunningJob> runner;

  /**
   * Runs on the poll thread, so {@code jobs}, {@code events} and {@code publisher} should give up
   * waiting for an outage well within {@code max.poll.interval.ms}: the command is then read again.
   */
  public CommandHandler(
      JobStore jobs,
      JobEvents events,
      DeadLetters deadLetters,
      TrainingMetrics metrics,
      String group,
      String workerDevice,
      String workerId,
      ParamBounds bounds,
      Attempts attempts,
      ModelPublisher publisher,
      StartingWeights startingWeights,
      ImportedVersions imports,
      ModelPublishers publishers,
      JobQueue queue,
      Leases leases,
      BiFunction<JobSpec, Fence, RunningJob> runner) {
    this.jobs = jobs;
    this.events = events;
    this.deadLetters = deadLetters;
    this.metrics = metrics;
    this.group = group;
    this.workerDevice = workerDevice;
    this.workerId = workerId;
    this.bounds = bounds;
    this.attempts = attempts;
    this.publisher = publisher;
    this.startingWeights = startingWeights;
    this.imports = imports;
    this.publishers = publishers;
    this.queue = queue;
    this.leases = leases;
    this.runner = runner;
  }

  Decision handle(ConsumerRecord<byte[], byte[]> record) {
    // The command's trace context (a new one when it has none or an invalid one): in the log lines
    // and, as a child, on the events sent while handling it.
    try (TraceContext.InLogs traced = TraceContext.of(record).inLogs()) {
      return handleTraced(record);
    }
  }

  private Decision handleTraced(ConsumerRecord<byte[], byte[]> record) {
    TrainingCommand command;
    try {
      command = MessageCodec.decode(record.value(), TrainingCommand.class);
    } catch (MessageFormatException e) {
      return reject(record, e);
    }
    try {
      Names.require("job id", command.jobId());
    } catch (Names.InvalidNameException e) {
      return reject(record, new MessageFormatException("jobId", e.getMessage()));
    }
    MDC.put("jobId", command.jobId());
    try {
      if (command.isImport()) {
        return importModel(command, record);
      }
      return command.isStart() ? start(command, record) : cancel(command);
    } finally {
      MDC.remove("jobId");
    }
  }

  private Decision start(TrainingCommand command, ConsumerRecord<byte[], byte[]> record) {
    String jobId = command.jobId();
    CommandSource source =
        new CommandSource(group, record.topic(), record.partition(), record.offset());
    Optional<JobState> existing = jobs.read(jobId);
    if (existing.isPresent()) {
      JobState state = existing.get();
      if (state.isRedeliveryOf(source)) {
        if (state.state().isFinished()) {
          return finishedAgain(state);
        }
        // Read again before its offset was committed: the job is (or is put back) in the queue.
        queue.add(jobId, queuedAt(state));
        log.info(
            "start of job {} redelivered from {} while {}: it is in the queue",
            jobId,
            source,
            state.state());
        return Decision.DONE;
      }
      return duplicate(state);
    }
    CycleGanConfig config;
    InitFrom initFrom = null;
    try {
      Names.require("model", command.model());
      Names.require("dataset", command.dataset());
      config = resolve(command.params());
      bounds.check(config);
      if (command.initFrom() != null) {
        // Pinned now, so a resume without a checkpoint of its own starts from the same version.
        initFrom = startingWeights.resolve(command.initFrom(), config);
      }
    } catch (IllegalArgumentException e) {
      String reason = "invalid start command: " + quoted(e);
      log.warn("job {} rejected: {}", jobId, reason);
      deadLetter(e, record);
      JobState failed =
          JobState.accepted(
                  jobId, command.model(), command.dataset(), command.params(), source, workerId)
              .finished(JobStatus.failed, reason);
      jobs.write(failed);
      events.sendAndWait(TrainingEvent.of(jobId, Type.failed).withError(reason));
      metrics.job("failed");
      return Decision.DONE;
    }
    String principal = principal(record);
    if (!publishers.allows(command.model(), principal)) {
      String reason =
          ReasonCode.PUBLISHER_NOT_ALLOWED.describe(
              (principal == null ? "a command without " + Headers.PRINCIPAL : principal)
                  + " may not publish model "
                  + command.model()
                  + ": it is protected by CYCLEGAN_MODEL_PUBLISHERS");
      log.warn("job {} refused: {}", jobId, reason);
      deadLetters.sendAndWait("training-command", new SecurityException(reason), record);
      jobs.write(
          JobState.accepted(
                  jobId, command.model(), command.dataset(), command.params(), source, workerId)
              .finished(JobStatus.failed, reason));
      events.sendAndWait(
          TrainingEvent.of(jobId, Type.failed)
              .withModel(command.model(), null)
              .withError(reason)
              .withReason(ReasonCode.PUBLISHER_NOT_ALLOWED.name()));
      metrics.job("failed");
      return Decision.DONE;
    }
    // State first, then the queue entry: a crash in between leaves the command uncommitted, and
    // its redelivery puts the job in the queue.
    JobState accepted =
        jobs.write(
            JobState.accepted(
                    jobId, command.model(), command.dataset(), command.params(), source, workerId)
                .withInitFrom(initFrom)
                .queued(Instant.now(), principal)
                .withTrace(TraceContext.current().map(TraceContext::header).orElse(null)));
    queue.add(jobId, accepted.queuedAt());
    events.sendAndWait(
        TrainingEvent.of(jobId, Type.accepted).withModel(command.model(), accepted.version()));
    metrics.job("accepted");
    log.info("job {} accepted and queued", jobId);
    return Decision.DONE;
  }

  /** When the job entered the queue; older documents have only their creation time. */
  private static Instant queuedAt(JobState state) {
    return state.queuedAt() != null ? state.queuedAt() : state.createdAt();
  }

  @Override
  public RunningJob launch(JobState state, Fence fence) {
    JobSpec spec =
        new JobSpec(
            state.jobId(),
            state.model(),
            state.dataset(),
            resolve(state.params()),
            state.source(),
            state.createdAt().toEpochMilli(),
            state,
            state.principal());
    try (TraceContext.InLogs traced = traced(state)) {
      log.info(
          "job {} taken from the queue ({} at epoch {}, lease epoch {})",
          state.jobId(),
          state.state(),
          state.epoch(),
          fence.epoch());
    }
    return runner.apply(spec, fence);
  }

  /** The job's trace (its start command's) on this thread: for what the scheduler does for it. */
  private static TraceContext.InLogs traced(JobState state) {
    return TraceContext.parseOrCreate(state.traceparent()).inLogs();
  }

  @Override
  public boolean endWithoutRunning(JobState state, boolean cancelRequested, Fence fence) {
    try (TraceContext.InLogs traced = traced(state)) {
      return endWithoutRunningTraced(state, cancelRequested, fence);
    }
  }

  private boolean endWithoutRunningTraced(JobState state, boolean cancelRequested, Fence fence) {
    String jobId = state.jobId();
    if (cancelRequested) {
      cancelled(state, fence);
      return true;
    }
    if (attempts.exhausted(state)) {
      String reason = attempts.reason(state);
      log.error("job {} failed: {}", jobId, reason);
      JobState failed = writeUnderLease(state.finished(JobStatus.failed, reason), fence);
      events.sendAndWait(
          TrainingEvent.of(jobId, Type.failed)
              .withModel(failed.model(), failed.version())
              .withPosition(failed.epoch(), failed.step())
              .withError(reason));
      metrics.job("failed");
      return true;
    }
    return false;
  }

  @Override
  public void finishAgain(JobState state) {
    try (TraceContext.InLogs traced = traced(state)) {
      finishAgainNow(state);
    }
  }

  /** Makes a job that runs nowhere cancelled, under its lease. */
  private void cancelled(JobState state, Fence fence) {
    writeUnderLease(
        state.finished(JobStatus.cancelled, "cancelled by a command while not running"), fence);
    events.sendAndWait(
        TrainingEvent.of(state.jobId(), Type.cancelled)
            .withModel(state.model(), state.version())
            .withPosition(state.epoch(), state.step()));
    metrics.job("cancelled");
  }

  /**
   * Writes the final state of a job that runs nowhere through the same fence as a run's writes
   * ({@link FencedWrites}): the lease confirmed in the store right before the write, and no state
   * of a higher lease epoch there. A local check of the lease's validity is not enough: this worker
   * may have stalled after taking the lease (its clock says valid) while another worker took the
   * job over and runs it, whose state a final one must not replace. Nobody renews this lease
   * meanwhile, so a write that finds it run out gives up rather than wait.
   *
   * @throws Fence.LeaseLostException when the lease is not this worker's (any more): nothing
   *     written
   */
  private JobState writeUnderLease(JobState next, Fence fence) {
    return new FencedWrites(next.jobId(), jobs, fence, metrics).writeState(next, () -> true);
  }

  private Decision duplicate(JobState state) {
    String jobId = state.jobId();
    log.info(
        "job {} already exists ({}), started from {}: duplicate",
        jobId,
        state.state(),
        state.source());
    events.sendAndWait(
        TrainingEvent.of(jobId, Type.duplicate)
            .withModel(state.model(), state.version())
            .withError(
                "job " + jobId + " already exists (state " + state.state() + "); nothing started"));
    metrics.job("duplicate");
    return Decision.DONE;
  }

  private Decision importModel(TrainingCommand command, ConsumerRecord<byte[], byte[]> record) {
    String jobId = command.jobId();
    CommandSource source =
        new CommandSource(group, record.topic(), record.partition(), record.offset());
    Optional<JobState> existing = jobs.read(jobId);
    JobState accepted;
    if (existing.isPresent()) {
      JobState state = existing.get();
      if (!state.isRedeliveryOf(source)) {
        return duplicate(state);
      }
      if (state.state().isFinished()) {
        return finishedAgain(state);
      }
      // Read again before it ended: what it wrote is ours, so publishing again is idempotent.
      log.info("import {} redelivered while {}: importing again", jobId, state.state());
      accepted = state;
    } else {
      JobState fresh = JobState.accepted(jobId, command.model(), null, Map.of(), source, workerId);
      try {
        Names.require("model", command.model());
        String version = Names.require("model version", command.importVersion());
        if (imports.exists(command.model(), version)) {
          throw new IllegalArgumentException(
              "model " + command.model() + " already has a version " + version);
        }
      } catch (IllegalArgumentException e) {
        return failImport(record, fresh, e);
      }
      accepted = jobs.write(fresh);
      events.sendAndWait(
          TrainingEvent.of(jobId, Type.accepted).withModel(command.model(), accepted.version()));
      metrics.job("accepted");
    }
    ImportedVersions.Published published;
    try {
      published = imports.publishUploaded(jobId, command.model(), command.importFiles());
    } catch (ImportedVersions.ImportRefusedException e) {
      return failImport(record, accepted, e);
    } catch (IOException e) {
      // A local temporary file, not the upload: read the command again.
      throw new UncheckedIOException(e);
    }
    jobs.write(accepted.finished(JobStatus.completed, null));
    events.sendAndWait(
        TrainingEvent.of(jobId, Type.completed)
            .withModel(command.model(), published.announcement().version()));
    metrics.job("completed");
    log.info(
        "import {} published model {} version {} ({}, serves {})",
        jobId,
        command.model(),
        published.announcement().version(),
        published.imported().describe(),
        published.imported().directions());
    return Decision.DONE;
  }

  private Decision failImport(
      ConsumerRecord<byte[], byte[]> record, JobState state, IllegalArgumentException e) {
    String reason = "import refused: " + quoted(e);
    log.warn("import {} failed: {}", state.jobId(), reason);
    deadLetter(e, record);
    jobs.write(state.finished(JobStatus.failed, reason));
    TrainingEvent failed = TrainingEvent.of(state.jobId(), Type.failed).withError(reason);
    events.sendAndWait(
        Names.isValid(state.model()) ? failed.withModel(state.model(), state.version()) : failed);
    metrics.job("failed");
    return Decision.DONE;
  }

  /**
   * A finished job's command read again: its offset was not committed, so what followed the final
   * state may not have happened. Both are idempotent: the model announcement (only while {@code
   * latest.json} still names this version) and the final event, which a reader may so see twice.
   */
  private Decision finishedAgain(JobState state) {
    finishAgainNow(state);
    return Decision.DONE;
  }

  private void finishAgainNow(JobState state) {
    log.info(
        "start of job {} redelivered after it ended {}: sending its final event again",
        state.jobId(),
        state.state());
    TrainingEvent.Type type =
        switch (state.state()) {
          case completed -> Type.completed;
          case cancelled -> Type.cancelled;
          default -> Type.failed;
        };
    if (state.state() == JobStatus.completed) {
      publisher.reannounce(state.model(), state.version());
    }
    TrainingEvent event =
        TrainingEvent.of(state.jobId(), type).withPosition(state.epoch(), state.step());
    if (state.model() != null) {
      event = event.withModel(state.model(), state.version());
    }
    if (type == Type.failed && state.error() != null) {
      event = event.withError(state.error());
    }
    events.sendAndWait(event);
  }

  /** The command's {@code cg-principal} when valid; an invalid one counts as none. */
  private static String principal(ConsumerRecord<byte[], byte[]> record) {
    Header h = record.headers().lastHeader(Headers.PRINCIPAL);
    if (h == null || h.value() == null) {
      return null;
    }
    String p = new String(h.value(), StandardCharsets.UTF_8);
    if (Names.isValidPrincipal(p)) {
      return p;
    }
    log.warn("ignoring invalid {} '{}'", Headers.PRINCIPAL, LogValues.escape(p));
    return null;
  }

  private Decision cancel(TrainingCommand command) {
    String jobId = command.jobId();
    Optional<JobState> existing = jobs.read(jobId);
    if (existing.isEmpty()) {
      log.info("cancel for unknown job {} ignored", jobId);
      return Decision.DONE;
    }
    JobState state = existing.get();
    if (state.state().isFinished()) {
      log.info("cancel for job {} ignored: already {}", jobId, state.state());
      return Decision.DONE;
    }
    Optional<Lease> lease = leases.read(jobId);
    if (lease.isEmpty() || lease.get().released()) {
      // Queued and held by nobody: take its lease and end it here.
      Optional<Leases.Held> held;
      try {
        held = leases.tryAcquire(jobId, lease);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Decision.Retry("interrupted while taking the lease of job " + jobId);
      }
      if (held.isPresent()) {
        try {
          JobState now = jobs.read(jobId).orElse(state);
          if (!now.state().isFinished()) {
            cancelled(now, held.get());
          }
          queue.remove(jobId, queuedAt(now));
          return Decision.DONE;
        } catch (Fence.LeaseLostException e) {
          // Another worker took the job meanwhile: it stops it on the marker below.
          log.info("cancel of job {} not written here: {}", jobId, e.getMessage());
        } finally {
          held.get().release();
        }
      }
    }
    // A worker holds it (or won the race for it): it stops the job at its next lease renewal.
    queue.requestCancel(jobId);
    log.info("cancel of job {} recorded for the worker that holds it", jobId);
    return Decision.DONE;
  }

  /** The params with the worker's device unless the command names one. */
  CycleGanConfig resolve(Map<String, Object> params) {
    CycleGanConfig config = CycleGanConfig.fromParams(params);
    if (params.get("device") == null) {
      config = config.toBuilder().optDevice(workerDevice).build();
    }
    return config;
  }

  /**
   * An unreadable command goes to the dead-letter topic; when it still names a valid job id that
   * has no state yet, the job is also failed with the reason, so its sender hears of it.
   */
  private Decision reject(ConsumerRecord<byte[], byte[]> record, MessageFormatException e) {
    deadLetter(e, record);
    String jobId = jobIdOf(record);
    if (jobId != null && Names.isValid(jobId)) {
      String reason = "invalid command: " + quoted(e);
      if (jobs.read(jobId).isEmpty()) {
        jobs.write(
            JobState.accepted(
                    jobId,
                    null,
                    null,
                    Map.of(),
                    new CommandSource(group, record.topic(), record.partition(), record.offset()),
                    workerId)
                .finished(JobStatus.failed, reason));
        events.sendAndWait(TrainingEvent.of(jobId, Type.failed).withError(reason));
        metrics.job("failed");
      }
    }
    return Decision.DONE;
  }

  /**
   * The message of a refusal, which can quote what the sender wrote (a parameter's name or value, a
   * field of a pickle): escaped, it cannot start a forged log line, nor carry a line break or an
   * escape sequence to whoever reads the event, the state or the dead letter.
   */
  private static String quoted(Throwable e) {
    return LogValues.escape(String.valueOf(e.getMessage()), MAX_REASON_CHARS);
  }

  private void deadLetter(Throwable e, ConsumerRecord<byte[], byte[]> record) {
    deadLetters.sendAndWait("training-command", quoted(e), e.getClass().getName(), record);
  }

  private static String jobIdOf(ConsumerRecord<byte[], byte[]> record) {
    try {
      JsonNode tree = MessageCodec.mapper().readTree(record.value());
      if (tree != null && tree.hasNonNull("jobId") && tree.get("jobId").isTextual()) {
        return tree.get("jobId").asText();
      }
    } catch (Exception e) {
      // Not JSON: fall back to the key.
    }
    return record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
  }
}
