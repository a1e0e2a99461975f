package io.cyclegan.inference.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@code cyclegan_inference_deliveries_retried_total} (a stage met a transient fault and the
 * request runs again after a backoff) and {@code cyclegan_inference_deliveries_abandoned_total}
 * (dropped unfinished by a stop or a crash, to be redelivered). A retry that never ends shows as a
 * growing retried count with a flat result count; an abandon outside a stop would be a bug.
 */
public final class DeliveryMetrics {
  final Counter retried;
  final Counter abandoned;

  public DeliveryMetrics(MeterRegistry registry) {
    this.retried =
        Counter.builder("cyclegan.inference.deliveries.retried")
            .description("requests run again after a transient fault in one of their stages")
            .register(registry);
    this.abandoned =
        Counter.builder("cyclegan.inference.deliveries.abandoned")
            .description("requests dropped unfinished by a stop or a crash (redelivered later)")
            .register(registry);
  }
}
