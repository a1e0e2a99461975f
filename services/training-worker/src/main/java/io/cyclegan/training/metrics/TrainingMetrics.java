package io.cyclegan.training.metrics;

import io.cyclegan.common.messages.TrainingEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The worker's meters, in base units, named as Prometheus shows them:
 *
 * <ul>
 *   <li>{@code cyclegan_training_step_seconds} histogram (buckets, aggregatable over replicas);
 *   <li>{@code cyclegan_training_images_per_second}, {@code cyclegan_training_learning_rate},
 *       {@code cyclegan_training_epoch}, {@code cyclegan_training_loss{term}} gauges of the running
 *       job (last reading);
 *   <li>{@code cyclegan_training_jobs_running} gauge (0 or 1) and {@code
 *       cyclegan_training_jobs_total{state}} counter of jobs that reached each state here;
 *   <li>{@code cyclegan_training_device_info{device}} = 1 for the device of the current or last
 *       job;
 *   <li>{@code cyclegan_training_intra_op_threads} gauge: the libtorch intra-op thread count the
 *       current or last job's steps run on (one for a small step on the CPU);
 *   <li>{@code cyclegan_training_fenced_writes_refused_total{write}} counter: a write of the job's
 *       {@code state}, a {@code checkpoint}, the {@code report} outputs of an epoch or the
 *       published {@code model} that this worker refused because its lease was no longer its own
 *       (the job then stopped here without writing);
 *   <li>{@code cyclegan_training_run_interruptions_total{cause}} counter: {@code lease_unconfirmed}
 *       (the run paused: its lease ran out before it could be confirmed, the store unreachable or
 *       this worker stalled) and {@code lease_taken} (another worker holds the lease: the run
 *       stopped for good).
 * </ul>
 */
public final class TrainingMetrics {
  private final MeterRegistry registry;
  private final Timer stepTime;
  private final Map<String, AtomicReference<Double>> losses = new ConcurrentHashMap<>();
  private final AtomicReference<Double> imagesPerSecond = new AtomicReference<>(0.0);
  private final AtomicReference<Double> learningRate = new AtomicReference<>(0.0);
  private final AtomicInteger epoch = new AtomicInteger();
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger intraOpThreads = new AtomicInteger();
  private final MultiGauge deviceInfo;

  public TrainingMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.stepTime =
        Timer.builder("cyclegan.training.step")
            .description("wall time of one training step (generators and discriminators)")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofMinutes(2))
            .register(registry);
    Gauge.builder("cyclegan.training.images.per.second", imagesPerSecond, AtomicReference::get)
        .description("A images trained per second, over the last progress window")
        .register(registry);
    Gauge.builder("cyclegan.training.learning.rate", learningRate, AtomicReference::get)
        .description("learning rate of the current epoch")
        .register(registry);
    Gauge.builder("cyclegan.training.epoch", epoch, AtomicInteger::get)
        .description("1-based epoch of the running job (the last one when idle)")
        .register(registry);
    Gauge.builder("cyclegan.training.intra.op.threads", intraOpThreads, AtomicInteger::get)
        .description("libtorch intra-op threads of the current or last job's steps")
        .register(registry);
    Gauge.builder("cyclegan.training.jobs.running", running, AtomicInteger::get)
        .description("1 while this worker trains a job")
        .register(registry);
    for (String term : TrainingEvent.LOSS_TERMS) {
      AtomicReference<Double> value = new AtomicReference<>(Double.NaN);
      losses.put(term, value);
      Gauge.builder("cyclegan.training.loss", value, AtomicReference::get)
          .description("last read value of a loss term")
          .tag("term", term)
          .register(registry);
    }
    this.deviceInfo =
        MultiGauge.builder("cyclegan.training.device.info")
            .description("1 for the device the current or last job trains on")
            .register(registry);
  }

  public void step(Duration duration) {
    stepTime.record(duration);
  }

  public void progress(int epochNumber, Map<String, Double> values, double ips, double lr) {
    epoch.set(epochNumber);
    values.forEach((term, v) -> losses.computeIfAbsent(term, t -> new AtomicReference<>()).set(v));
    imagesPerSecond.set(ips);
    learningRate.set(lr);
  }

  public void epoch(int epochNumber) {
    epoch.set(epochNumber);
  }

  public void running(boolean isRunning) {
    running.set(isRunning ? 1 : 0);
    if (!isRunning) {
      imagesPerSecond.set(0.0);
    }
  }

  /** Counts a job reaching {@code state} (accepted, duplicate, resumed, completed, ...). */
  public void job(String state) {
    Counter.builder("cyclegan.training.jobs")
        .description("jobs that reached each state on this worker")
        .tag("state", state)
        .register(registry)
        .increment();
  }

  /** Counts a write refused because the lease was lost ({@code state}, {@code checkpoint}, ...). */
  public void fencedWriteRefused(String write) {
    Counter.builder("cyclegan.training.fenced.writes.refused")
        .description("writes refused because this worker no longer held the job's lease")
        .tag("write", write)
        .register(registry)
        .increment();
  }

  /**
   * Counts a run that could not go on with its lease: {@code lease_unconfirmed} (it waits until the
   * lease is confirmed again) or {@code lease_taken} (another worker holds it: the run stops).
   */
  public void runInterrupted(String cause) {
    Counter.builder("cyclegan.training.run.interruptions")
        .description(
            "runs that paused for their lease to be confirmed (lease_unconfirmed) or stopped"
                + " because another worker held it (lease_taken)")
        .tag("cause", cause)
        .register(registry)
        .increment();
  }

  public void device(String device) {
    deviceInfo.register(List.of(MultiGauge.Row.of(Tags.of("device", device), 1.0)), true);
  }

  public void intraOpThreads(int threads) {
    intraOpThreads.set(threads);
  }
}
