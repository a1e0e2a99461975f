package io.cyclegan.inference.pipeline;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * The worker's meters, in base units with histogram buckets (aggregatable across replicas): {@code
 * cyclegan_inference_batch_size}, {@code cyclegan_inference_queue_seconds}, {@code
 * cyclegan_inference_seconds}, {@code cyclegan_inference_latency_seconds} and {@code
 * cyclegan_inference_images_total{status}}. The model cache and loader register theirs.
 */
public final class InferenceMetrics {
  final DistributionSummary batchSize;
  final Timer queue;
  final Timer inference;
  final Timer latency;
  final Counter ok;
  final Counter error;

  public InferenceMetrics(MeterRegistry registry, int maxBatch) {
    this.batchSize =
        DistributionSummary.builder("cyclegan.inference.batch.size")
            .description("images per forward pass")
            .publishPercentileHistogram()
            .minimumExpectedValue(1.0)
            .maximumExpectedValue((double) Math.max(2, maxBatch))
            .register(registry);
    this.queue =
        Timer.builder("cyclegan.inference.queue")
            .description("from the request's receipt by ingest to its batch starting")
            .publishPercentileHistogram()
            .maximumExpectedValue(Duration.ofMinutes(5))
            .register(registry);
    this.inference =
        Timer.builder("cyclegan.inference")
            .description("one forward pass of a batch")
            .publishPercentileHistogram()
            .register(registry);
    this.latency =
        Timer.builder("cyclegan.inference.latency")
            .description("from the request's receipt by ingest to its result being published")
            .publishPercentileHistogram()
            .maximumExpectedValue(Duration.ofMinutes(5))
            .register(registry);
    this.ok = images(registry, "ok");
    this.error = images(registry, "error");
  }

  private static Counter images(MeterRegistry registry, String status) {
    return Counter.builder("cyclegan.inference.images")
        .description("requests answered, by result status")
        .tag("status", status)
        .register(registry);
  }
}
