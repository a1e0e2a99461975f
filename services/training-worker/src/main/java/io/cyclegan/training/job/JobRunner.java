package io.cyclegan.training.job;

import ai.djl.Device;
import io.cyclegan.common.image.ImageValidator;
import io.cyclegan.common.messages.TrainingEvent;
import io.cyclegan.common.messages.TrainingEvent.Type;
import io.cyclegan.model.data.ImageSource;
import io.cyclegan.model.device.DeviceSelector;
import io.cyclegan.model.train.CycleGanTrainer;
import io.cyclegan.model.train.EpochSummary;
import io.cyclegan.model.train.TrainingListener;
import io.cyclegan.model.train.TrainingOutcome;
import io.cyclegan.model.train.TrainingProgress;
import io.cyclegan.training.artifacts.JobKeys;
import io.cyclegan.training.data.DatasetCache;
import io.cyclegan.training.report.LossLog;
import io.cyclegan.training.report.LossRow;
import io.cyclegan.training.report.ReportPage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs one job on the calling thread, from data download to the published model, keeping
 * state.json, the events and the metrics up to date. It never touches the Kafka consumer: it
 * returns a {@link JobResult} that tells the poll loop whether to commit.
 */
public final class JobRunner implements TrainingListener {
  private static final Logger log = LoggerFactory.getLogger(JobRunner.class);

  private final JobSpec spec;
  private final JobServices services;
  private final LossLog lossLog = new LossLog();
  private final Map<String, Double> lastLosses = new LinkedHashMap<>();
  private volatile StopReason stopReason;
  private JobState state;
  private CycleGanTrainer trainer;
  private long lastStepCheckNanos;

  public JobRunner(JobSpec spec, JobServices services) {
    this.spec = spec;
    this.services = services;
    this.state = spec.state();
  }

  public JobSpec spec() {
    return spec;
  }

  /** Asks the job to stop before its next step; the strongest reason so far wins. */
  public synchronized void requestStop(StopReason reason) {
    if (stopReason == null || reason.outranks(stopReason)) {
      stopReason = reason;
    }
  }

  public JobResult run() {
    MDC.put("jobId", spec.jobId());
    try {
      return train();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return stopped();
    } catch (Exception e) {
      if (stopReason == StopReason.ABANDON) {
        return leave();
      }
      return fail(describe(e));
    } finally {
      services.metrics().running(false);
      MDC.remove("jobId");
    }
  }

  private JobResult train() throws IOException, InterruptedException {
    Device device = DeviceSelector.select(spec.config().device());
    log.info(
        "job {} trains model {} version {} on dataset {} on device {}",
        spec.jobId(),
        spec.model(),
        spec.version(),
        spec.dataset(),
        device);
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
          services.checkpoints().restoreNewest(t, state.checkpoints());
      if (restored.isPresent()) {
        services
            .store()
            .get(JobKeys.losses(spec.jobId()))
            .ifPresent(
                csv ->
                    LossLog.parse(new String(csv, StandardCharsets.UTF_8))
                        .rows()
                        .forEach(lossLog::add));
        lossLog.truncateAfter(t.globalStep());
        services.metrics().job("resumed");
      }
      state =
          services
              .jobs()
              .write(
                  state
                      .running(device.toString(), services.workerId())
                      .atPosition(t.epoch(), t.globalStep()));
      services.metrics().device(device.toString());
      services.metrics().running(true);
      Map<String, String> headers = new LinkedHashMap<>();
      headers.put(JobEvents.DEVICE_HEADER, device.toString());
      restored.ifPresent(r -> headers.put(JobEvents.RESUMED_FROM_HEADER, r.key()));
      services
          .events()
          .send(
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
    lossLog.add(
        new LossRow(
            p.epoch(),
            p.stepInEpoch(),
            p.globalStep(),
            new ArrayList<>(losses.values()),
            p.imagesPerSecond(),
            p.learningRate()));
    services
        .events()
        .send(
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
    try {
      writeSample(s.epoch());
      writeLosses();
      if (s.checkpointDue()) {
        checkpoint(null);
      } else {
        state = services.jobs().write(state.atPosition(trainer.epoch(), trainer.globalStep()));
      }
      writeReport();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the outputs of epoch " + s.epoch(), e);
    }
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
    return stopRequested();
  }

  private boolean stopRequested() {
    if (stopReason == null && services.cancelRequested().test(spec)) {
      requestStop(StopReason.CANCEL);
    }
    return stopReason != null || Thread.currentThread().isInterrupted();
  }

  private void checkpoint(String reason) throws IOException {
    CheckpointRef ref = services.checkpoints().save(trainer, spec.model(), spec.version());
    state = services.jobs().write(state.withCheckpoint(ref));
    announce(ref, reason);
  }

  private void announce(CheckpointRef ref, String reason) {
    services
        .events()
        .send(
            event(Type.checkpoint)
                .withPosition(ref.epoch(), ref.globalStep())
                .withModel(spec.model(), spec.version()),
            reason == null ? Map.of() : Map.of(JobEvents.REASON_HEADER, reason));
  }

  private JobResult complete() throws IOException {
    services
        .publisher()
        .publish(trainer, spec.model(), spec.version(), spec.jobId(), spec.dataset(), lastLosses);
    state = services.jobs().write(state.finished(JobStatus.completed, null));
    writeReport();
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
    try {
      if (reason == StopReason.CANCEL) {
        state =
            services.jobs().write(state.finished(JobStatus.cancelled, "cancelled by a command"));
        if (trainer != null) {
          writeReport();
        }
        services.events().sendAndWait(position(event(Type.cancelled)));
        services.metrics().job("cancelled");
        return new JobResult(spec.jobId(), JobResult.Disposition.COMMIT);
      }
      // Shutdown or revocation: save the position so the next owner loses nothing.
      String why = reason.name().toLowerCase(java.util.Locale.ROOT);
      if (trainer != null && trainer.globalStep() > 0) {
        Optional<CheckpointRef> latest = state.latestCheckpoint();
        if (latest.map(c -> c.globalStep() < trainer.globalStep()).orElse(true)) {
          checkpoint(why);
        } else {
          // Stopped right after an epoch-end checkpoint: that one already holds this position,
          // so say it is where the job resumes rather than write the same state again.
          announce(latest.get(), why);
        }
      }
      log.info("job {} stopped ({}), left for redelivery", spec.jobId(), reason);
      return new JobResult(spec.jobId(), JobResult.Disposition.LEAVE);
    } catch (Exception e) {
      log.error("job {} could not record its stop ({})", spec.jobId(), reason, e);
      return leave();
    }
  }

  private JobResult leave() {
    log.warn(
        "job {} abandoned on this worker; it resumes where its command is redelivered",
        spec.jobId());
    return new JobResult(spec.jobId(), JobResult.Disposition.LEAVE);
  }

  private JobResult fail(String reason) {
    log.error("job {} failed: {}", spec.jobId(), reason);
    try {
      state = services.jobs().write(state.finished(JobStatus.failed, reason));
      services.events().sendAndWait(position(event(Type.failed)).withError(reason));
      services.metrics().job("failed");
      return new JobResult(spec.jobId(), JobResult.Disposition.COMMIT);
    } catch (RuntimeException e) {
      log.error(
          "job {} could not record its failure; its command will be read again", spec.jobId(), e);
      return new JobResult(spec.jobId(), JobResult.Disposition.RETRY);
    }
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

  private void writeSample(int epoch) throws IOException {
    byte[] png = ImageValidator.encodePng(trainer.renderSampleGrid());
    services.store().put(JobKeys.sample(spec.jobId(), epoch), png, "image/png");
  }

  private void writeLosses() {
    services
        .store()
        .put(
            JobKeys.losses(spec.jobId()),
            lossLog.toCsv().getBytes(StandardCharsets.UTF_8),
            "text/csv; charset=utf-8");
  }

  private void writeReport() {
    int epochs = trainer == null ? state.epoch() : trainer.epoch();
    String title =
        "Job " + spec.jobId() + ": model " + spec.model() + " on dataset " + spec.dataset();
    String html =
        ReportPage.render(
            title,
            state.state().name(),
            lossLog.rows(),
            IntStream.rangeClosed(1, epochs).boxed().toList());
    services
        .store()
        .put(
            JobKeys.report(spec.jobId()),
            html.getBytes(StandardCharsets.UTF_8),
            // Not "; charset=utf-8": the embedded S3 server (Jetty) rewrites that value and the
            // signature no longer matches; the page declares its charset itself.
            "text/html");
  }

  private static String describe(Exception e) {
    String message = e.getMessage();
    if (e instanceof UncheckedIOException u && u.getCause() != null) {
      message = message + ": " + u.getCause().getMessage();
    }
    return message == null || message.isBlank() ? e.getClass().getName() : message;
  }
}
