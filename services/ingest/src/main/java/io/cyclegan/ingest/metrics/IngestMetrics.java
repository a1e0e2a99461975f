package io.cyclegan.ingest.metrics;

import io.cyclegan.common.messages.Headers;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.function.BooleanSupplier;

/**
 * The ingest meters. Prometheus names: {@code cyclegan_ingest_images_total{purpose,outcome}},
 * {@code cyclegan_ingest_rejections_total{reason}}, {@code cyclegan_ingest_bytes_total{purpose}},
 * {@code cyclegan_ingest_validation_seconds} and {@code cyclegan_ingest_batch_seconds}
 * (histograms), {@code cyclegan_ingest_batch_records} (histogram), {@code
 * cyclegan_ingest_batch_retries_total} (batches rewound after a store or broker fault) and {@code
 * cyclegan_ingest_batch_waiting} (1 while a batch waits to be retried). Dead letters are counted by
 * {@code DeadLetters} as {@code cyclegan_dlq_records_total{stage}}; the store's and Kafka's own
 * state is {@code cyclegan_dependency_up{dependency}} and {@code cyclegan_retries_total}.
 */
public final class IngestMetrics {
  /** {@code outcome} tag values. */
  public static final String ACCEPTED = "accepted";

  public static final String DUPLICATE = "duplicate";
  public static final String REJECTED = "rejected";

  private final MeterRegistry registry;
  private final Timer validation;
  private final Timer batch;
  private final DistributionSummary batchRecords;
  private final Counter batchRetries;

  public IngestMetrics(MeterRegistry registry) {
    this.registry = registry;
    // Histograms with buckets, not client-side percentiles, so replicas aggregate.
    this.validation =
        Timer.builder("cyclegan.ingest.validation")
            .description("time to check, decode and re-encode one image")
            .publishPercentileHistogram()
            .register(registry);
    this.batch =
        Timer.builder("cyclegan.ingest.batch")
            .description("time from a batch's arrival to all its outputs being durable")
            .publishPercentileHistogram()
            .register(registry);
    this.batchRecords =
        DistributionSummary.builder("cyclegan.ingest.batch.records")
            .description("inputs per processed batch")
            .serviceLevelObjectives(1, 2, 5, 10, 20, 50, 100, 200, 500)
            .register(registry);
    this.batchRetries =
        Counter.builder("cyclegan.ingest.batch.retries")
            .description("batches rewound to be retried after a store or broker fault")
            .register(registry);
  }

  /** Registers the gauge of whether a batch is waiting for its retry. */
  public void waitingBatch(BooleanSupplier waiting) {
    Gauge.builder("cyclegan.ingest.batch.waiting", waiting, w -> w.getAsBoolean() ? 1 : 0)
        .description("1 while a batch waits to be retried after a store or broker fault")
        .strongReference(true) // the supplier is a lambda no one else holds
        .register(registry);
  }

  public void batchRetried() {
    batchRetries.increment();
  }

  /**
   * The {@code purpose} tag: the header's value when it is one of the two, else {@code none} or
   * {@code unknown}, so that a sender cannot blow up the metric's cardinality.
   */
  public static String purposeTag(String purpose) {
    if (purpose == null) {
      return "none";
    }
    return Headers.PURPOSE_DATASET.equals(purpose) || Headers.PURPOSE_TRANSLATE.equals(purpose)
        ? purpose
        : "unknown";
  }

  public void image(String purpose, String outcome, long bytes) {
    String tag = purposeTag(purpose);
    Counter.builder("cyclegan.ingest.images")
        .description("images received, by purpose and outcome")
        .tag("purpose", tag)
        .tag("outcome", outcome)
        .register(registry)
        .increment();
    Counter.builder("cyclegan.ingest.bytes")
        .description("bytes of images received, as sent")
        .baseUnit("bytes")
        .tag("purpose", tag)
        .register(registry)
        .increment(bytes);
  }

  public void rejected(String reason) {
    Counter.builder("cyclegan.ingest.rejections")
        .description("inputs refused, by reason")
        .tag("reason", reason)
        .register(registry)
        .increment();
  }

  public Timer validation() {
    return validation;
  }

  public Timer batch() {
    return batch;
  }

  public void batchRecords(int n) {
    batchRecords.record(n);
  }
}
