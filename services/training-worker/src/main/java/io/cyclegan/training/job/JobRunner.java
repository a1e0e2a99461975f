package io.cyclegan.training.job;

import ai.djl.Device;
import io.cyclegan.common.fault.Faults;
import io.cyclegan.common.messages.TrainingEvent;
import io.cyclegan.common.messages.TrainingEvent.Type;
import io.cyclegan.common.trace.TraceContext;
import io.cyclegan.model.data.ImageSource;
import io.cyclegan.model.device.DeviceSelector;
import io.cyclegan.model.device.EngineThreads;
import io.cyclegan.model.nn.FlopCount;
import io.cyclegan.model.train.CycleGanTrainer;
import io.cyclegan.model.train.EpochSummary;
import io.cyclegan.model.train.TrainingListener;
import io.cyclegan.model.train.TrainingOutcome;
import io.cyclegan.model.train.TrainingProgress;
import io.cyclegan.training.data.DatasetCache;
import io.cyclegan.training.report.JobReport;
import io.cyclegan.training.report.LossRow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs one job on the calling thread, from data download to the published model, and keeps its
 * state machine (docs in the module's DESIGN.md): state.json, the events and the metrics. It never
 * touches the Kafka consumer: it returns a {@link JobResult} that tells the poll loop whether to
 * commit. The human-readable outputs are {@link JobReport}'s.
 *
 * <p>Faults: the store and the events wait out an outage within the budget, so a run pauses rather
 * than fails. A transient fault that outlasts the budget leaves the job to be read again ({@code
 * RETRY}: it resumes from its newest checkpoint); only a permanent error fails it. Once a final
 * state is written it is never rewritten: a fault after it (the final event not sent) is also left
 * for the redelivered command, which sends the final event again.
 */
public final class JobRunner implements TrainingListener {
  private static final Logger log = LoggerFactory.getLogger(JobRunner.class);

  private final JobSpec spec;
  private final JobServices services;
  private final Fence fence;
  private final FencedWrites writes;
  private final JobReport report;
  private final Map<String, Double> lastLosses = new LinkedHashMap<>();
  private volatile StopReason stopReason;
  private volatile boolean repairState;
  private volatile JobState state;
  private CycleGanTrainer trainer;
  private long lastStepCheckNanos;

  /**
   * @param fence the job's lease: checked before every state write and before every step; a run
   *     whose lease is lost stops and writes nothing more
   */
  public JobRunner(JobSpec spec, JobServices services, Fence fence) {
    this.spec = spec;
    this.services = services;
    this.fence = fence;
    this.writes = new FencedWrites(spec.jobId(), services.jobs(), fence, services.metrics());
    this.state = spec.state();
    this.report = new JobReport(services.store(), spec.jobId(), spec.model(), spec.dataset());
  }

  public JobSpec spec() {
    return spec;
  }

  /**
   * Asks the job to write its state again before its next step: the stored one was written under an
   * older lease (a worker that lost the lease wrote after all, see docs/reliability.md).
   */
  public void repairState() {
    repairState = true;
  }

  /** The state as this run last wrote it. */
  public JobState state() {
    return state;
  }

  /** Asks the job to stop before its next step; the strongest reason so far wins. */
  public synchronized void requestStop(StopReason reason) {
    if (stopReason == null || reason.outranks(stopReason)) {
      stopReason = reason;
    }
  }

  public JobResult run() {
    MDC.put("jobId", spec.jobId());
    // The start command's trace (recorded when the job was accepted, so a resumed run on another
    // worker carries it too): in the log lines and, as a child, on the job's events, the final
    // ones included.
    try (TraceContext.InLogs traced = TraceContext.parseOrCreate(state.traceparent()).inLogs()) {
      try {
        return train();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return stopped();
      } catch (Exception e) {
        return afterError(e);
      }
    } finally {
      services.metrics().running(false);
      MDC.remove("jobId");
    }
  }

  private JobResult train() throws IOException, InterruptedException {
    // Counted before anything heavy, so that a run that takes the worker down is counted too.
    state = write(services.attempts().begin(state));
    Device device = DeviceSelector.select(spec.config().device());
    // On this thread, which runs the steps: one thread for a small step on the CPU, else no more
    // than the processors (libtorch's own choice does not see a CPU quota). Put back when the job
    // ends, since libtorch also takes the count as the default for threads started later.
    try (EngineThreads.Scope threads =
        EngineThreads.forTrainingSteps(device, FlopCount.trainingStepFlops(spec.config()))) {
      return train(device, threads.threads());
    }
  }

  private JobResult train(Device device, int threads) throws IOException, InterruptedException {
    log.info(
        "job {} trains model {} version {} on dataset {} on device {} with {} libtorch intra-op"
            + " threads (attempt {})",
        spec.jobId(),
        spec.model(),
        spec.version(),
        spec.dataset(),
        device,
        threads,
        state.attempts());
    DatasetCache.Sync a = services.datasets().sync(spec.dataset(), "A", this::stopRequested);
    if (stopRequested()) {
      return stopped();
    }
    DatasetCache.Sync b = services.datasets().sync(spec.dataset(), "B", this::stopRequested);
    if (stopRequested()) {
      return stopped();
    }
    try (CycleGanTrainer t =
        CycleGanTrainer.builder()
            .setConfig(spec.config())
            .setDomainA(ImageSource.ofFiles(a.files()))
            .setDomainB(ImageSource.ofFiles(b.files()))
            .optDevice(device)
            .optLossReadEverySteps(services.progressEverySteps())
            .build()) {
      trainer = t;
      Optional<CheckpointRef> restored =
          services.checkpoints().restoreNewest(t, services.checkpoints().resumeCandidates(state));
      if (restored.isPresent() && !state.checkpoints().contains(restored.get())) {
        // A later holder's checkpoint that state.json did not name: it is where the job is now.
        CheckpointRef r = restored.get();
        restored =
            Optional.of(
                new CheckpointRef(
                    r.key(), r.epoch(), r.stepInEpoch(), t.globalStep(), r.bytes(), r.time()));
        state = state.withCheckpoint(restored.get());
      }
      if (restored.isPresent()) {
        report.resumeAt(t.globalStep());
        services.metrics().job("resumed");
      }
      // Fine-tuning starts from the version only when the job starts fresh: a checkpoint of its
      // own already holds the weights it has trained since.
      String initFrom = null;
      if (restored.isEmpty() && spec.initFrom() != null) {
        boolean discriminators = services.startingWeights().apply(t, spec.initFrom());
        initFrom = spec.initFrom() + (discriminators ? "+discriminators" : "+fresh-discriminators");
      }
      state =
          write(
              state
                  .running(device.toString(), threads, services.workerId())
                  .atPosition(t.epoch(), t.globalStep()));
      services.metrics().device(device.toString());
      services.metrics().intraOpThreads(threads);
      services.metrics().running(true);
      Map<String, String> headers = new LinkedHashMap<>();
      headers.put(JobEvents.DEVICE_HEADER, device.toString());
      headers.put(JobEvents.THREADS_HEADER, Integer.toString(threads));
      restored.ifPresent(r -> headers.put(JobEvents.RESUMED_FROM_HEADER, r.key()));
      if (initFrom != null) {
        headers.put(JobEvents.INIT_FROM_HEADER, initFrom);
      }
      services
          .events()
          .sendAndWait(
              event(Type.started)
                  .withPosition(t.epoch(), t.globalStep())
                  .withModel(spec.model(), spec.version()),
              headers);
      TrainingOutcome outcome = t.train(this, this::stopBeforeStep);
      if (outcome == TrainingOutcome.COMPLETED && stopReason != StopReason.ABANDON) {
        return complete();
      }
      return stopped();
    } finally {
      trainer = null;
    }
  }

  @Override
  public void onProgress(TrainingProgress p) {
    if (stopReason == StopReason.ABANDON) {
      return; // another worker may own the job now: say nothing more
    }
    Map<String, Double> losses = new LinkedHashMap<>();
    p.losses().toMap().forEach((term, v) -> losses.put(term, v.doubleValue()));
    lastLosses.putAll(losses);
    services.metrics().progress(p.epoch(), losses, p.imagesPerSecond(), p.learningRate());
    report.add(
        new LossRow(
            p.epoch(),
            p.stepInEpoch(),
            p.globalStep(),
            new ArrayList<>(losses.values()),
            p.imagesPerSecond(),
            p.learningRate()));
    services
        .events()
        .sendProgress(
            event(Type.progress)
                .withProgress(
                    p.epoch(), p.globalStep(), losses, p.imagesPerSecond(), p.learningRate()));
  }

  @Override
  public void onEpochEnd(EpochSummary s) {
    if (stopReason == StopReason.ABANDON) {
      return; // write nothing: another worker may own the job now
    }
    if (lastStepCheckNanos != 0) {
      services.metrics().step(Duration.ofNanos(System.nanoTime() - lastStepCheckNanos));
    }
    services.metrics().epoch(s.epoch());
    log.info(
        "epoch {}/{} done in {} s", s.epoch(), s.totalEpochs(), String.format("%.1f", s.seconds()));
    // Each write below waits out a store outage (within the budget): the step loop waits with it.
    try {
      // The samples and losses.csv too: a worker that lost the job must not replace its holder's.
      writes.beforeWrite("report", this::abandoned);
      report.writeEpoch(s.epoch(), trainer.renderSampleGrid());
      if (s.checkpointDue()) {
        checkpoint(null);
      } else {
        state = write(state.atPosition(trainer.epoch(), trainer.globalStep()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the outputs of epoch " + s.epoch(), e);
    }
    report.writePage(state.state().name(), trainer.epoch());
    // Epoch-end I/O is not a step: time from the next step's check.
    lastStepCheckNanos = 0;
  }

  /** Called by the trainer before every step: the step timer and the stop check. */
  private boolean stopBeforeStep() {
    long now = System.nanoTime();
    if (lastStepCheckNanos != 0) {
      services.metrics().step(Duration.ofNanos(now - lastStepCheckNanos));
    }
    lastStepCheckNanos = now;
    if (repairState && stopReason == null) {
      repairState = false;
      log.warn(
          "job {}: state.json was written under an older lease; writing it again", spec.jobId());
      state = write(state);
    }
    return stopRequested();
  }

  private boolean stopRequested() {
    if (stopReason == null && services.cancelRequested().test(spec)) {
      requestStop(StopReason.CANCEL);
    }
    // The lease last, so that nothing but the step itself comes between its check and the step.
    if (!fence.isValid()) {
      try {
        awaitFence(); // the store away: training pauses until the lease is confirmed
      } catch (Fence.LeaseLostException e) {
        requestStop(StopReason.ABANDON); // another worker may run the job now
      }
    }
    return stopReason != null || Thread.currentThread().isInterrupted();
  }

  /**
   * Saves a checkpoint, records it, then announces it.
   *
   * @param reason why it is written outside the schedule ({@code shutdown}), or null at an epoch
   *     end
   */
  private void checkpoint(String reason) throws IOException {
    // A worker that lost the lease uploads nothing either.
    writes.beforeWrite("checkpoint", this::abandoned);
    CheckpointRef ref =
        services.checkpoints().save(trainer, spec.model(), spec.version(), writes.epoch());
    // A checkpoint is a sign of life: this run counts as the only attempt since it, and a run
    // that stops in order counts as none.
    JobState next = state.withCheckpoint(ref).withAttempts(reason == null ? 1 : 0);
    // Retention: state.json forgets the oldest checkpoints first, then they are deleted, so it
    // never names a deleted one.
    List<CheckpointRef> dropped = services.checkpoints().beyondRetention(next.checkpoints());
    state = write(next.withoutCheckpoints(dropped));
    services.checkpoints().delete(dropped);
    // Unnamed ones of earlier lease holders (a late write of a worker that lost the job): never
    // resumed from, so deleted too.
    services.checkpoints().delete(services.checkpoints().orphans(state, writes.epoch()));
    announce(ref, reason);
  }

  private void announce(CheckpointRef ref, String reason) {
    services
        .events()
        .sendAndWait(
            event(Type.checkpoint)
                .withPosition(ref.epoch(), ref.globalStep())
                .withModel(spec.model(), spec.version()),
            reason == null ? Map.of() : Map.of(JobEvents.REASON_HEADER, reason));
  }

  /**
   * Publishes the version, then makes the job completed. Publication comes first: a job is not
   * completed until {@code latest.json} and the announcement both exist, and a publication cut
   * short is simply done again (it is idempotent) when the command is read again.
   */
  private JobResult complete() throws IOException {
    writes.beforeWrite("model", this::abandoned);
    services
        .publisher()
        .publish(
            trainer,
            spec.model(),
            spec.version(),
            spec.jobId(),
            spec.dataset(),
            spec.initFrom(),
            lastLosses,
            spec.principal());
    state = write(state.finished(JobStatus.completed, null));
    report.writePage(state.state().name(), trainer.epoch());
    services
        .events()
        .sendAndWait(
            event(Type.completed)
                .withPosition(trainer.epoch(), trainer.globalStep())
                .withModel(spec.model(), spec.version()));
    services.metrics().job("completed");
    return new JobResult(spec.jobId(), JobResult.Disposition.COMMIT);
  }

  private JobResult stopped() {
    StopReason reason = stopReason;
    if (reason == null || reason == StopReason.ABANDON) {
      return leave();
    }
    if (reason == StopReason.CANCEL) {
      try {
        return cancel();
      } catch (RuntimeException e) {
        return afterError(e);
      }
    }
    // Shutdown: save the position so the next worker loses nothing.
    String why = reason.name().toLowerCase(Locale.ROOT);
    try {
      if (trainer != null && trainer.globalStep() > 0) {
        Optional<CheckpointRef> latest = state.latestCheckpoint();
        if (latest.map(c -> c.globalStep() < trainer.globalStep()).orElse(true)) {
          checkpoint(why);
        } else {
          // Stopped right after an epoch-end checkpoint: that one already holds this position,
          // so say it is where the job resumes rather than write the same state again.
          state = write(state.withAttempts(0));
          announce(latest.get(), why);
        }
      }
      log.info("job {} stopped ({}), left for redelivery", spec.jobId(), reason);
    } catch (Exception e) {
      log.error("job {} could not record its stop ({})", spec.jobId(), reason, e);
    }
    return new JobResult(spec.jobId(), JobResult.Disposition.LEAVE);
  }

  private JobResult cancel() {
    state = write(state.finished(JobStatus.cancelled, "cancelled by a command"));
    if (trainer != null) {
      report.writePage(state.state().name(), trainer.epoch());
    }
    services.events().sendAndWait(position(event(Type.cancelled)));
    services.metrics().job("cancelled");
    return new JobResult(spec.jobId(), JobResult.Disposition.COMMIT);
  }

  /**
   * What an error means for the job: nothing, once it is abandoned or already in a final state; a
   * pause for a transient fault; a failure only for a permanent one.
   */
  private JobResult afterError(Exception e) {
    if (stopReason == StopReason.ABANDON || e instanceof Fence.LeaseLostException) {
      return leave();
    }
    if (state.state().isFinished()) {
      // Final and recorded; what failed came after (the report, the final event). The command is
      // read again and its redelivery sends the final event again. The state stays as it is.
      log.warn(
          "job {} is {}, but not everything after it was done ({}); its command will be read again",
          spec.jobId(),
          state.state(),
          e.toString());
      return retry();
    }
    if (Faults.isTransient(e)) {
      log.warn(
          "job {} paused: {}; it resumes from its newest checkpoint when its command is read again",
          spec.jobId(),
          e.toString());
      return retry();
    }
    return fail(describe(e));
  }

  private JobResult retry() {
    services.attempts().leftAlive(spec.jobId());
    return new JobResult(spec.jobId(), JobResult.Disposition.RETRY);
  }

  private JobResult leave() {
    log.warn(
        "job {} left on this worker without writing more: {}",
        spec.jobId(),
        fence
            .takenBy()
            .map(holder -> "another worker took it over (its lease is held by " + holder + ")")
            .orElse("the next worker to take its lease resumes it from its newest checkpoint"));
    return new JobResult(spec.jobId(), JobResult.Disposition.LEAVE);
  }

  private JobResult fail(String reason) {
    log.error("job {} failed: {}", spec.jobId(), reason);
    try {
      state = write(state.finished(JobStatus.failed, reason));
      services.events().sendAndWait(position(event(Type.failed)).withError(reason));
      services.metrics().job("failed");
      return new JobResult(spec.jobId(), JobResult.Disposition.COMMIT);
    } catch (RuntimeException e) {
      log.error(
          "job {} could not record its failure; its command will be read again", spec.jobId(), e);
      return retry();
    }
  }

  /** Writes the job's state under its lease (see {@link FencedWrites#writeState}). */
  private JobState write(JobState next) {
    return writes.writeState(next, this::abandoned);
  }

  /**
   * Returns while the lease is valid, waiting while it is being confirmed (the store was away).
   *
   * @throws Fence.LeaseLostException when another worker holds it now
   */
  private void awaitFence() {
    writes.awaitValid(this::abandoned);
  }

  private boolean abandoned() {
    return stopReason == StopReason.ABANDON;
  }

  private TrainingEvent event(Type type) {
    return TrainingEvent.of(spec.jobId(), type);
  }

  private TrainingEvent position(TrainingEvent e) {
    TrainingEvent withModel = e.withModel(spec.model(), spec.version());
    return trainer == null
        ? withModel.withPosition(state.epoch(), state.step())
        : withModel.withPosition(trainer.epoch(), trainer.globalStep());
  }

  private static String describe(Exception e) {
    String message = e.getMessage();
    if (e instanceof UncheckedIOException u && u.getCause() != null) {
      message = message + ": " + u.getCause().getMessage();
    }
    return message == null || message.isBlank() ? e.getClass().getName() : message;
  }
}
