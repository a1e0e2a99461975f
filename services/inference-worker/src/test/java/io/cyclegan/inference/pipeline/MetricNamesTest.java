package io.cyclegan.inference.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.cyclegan.inference.models.ModelCache;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MetricNamesTest {

  @Test
  void shouldExposePrometheusNamesInBaseUnitsWithHistogramBuckets() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    InferenceMetrics m = new InferenceMetrics(registry, 8);
    new ModelCache(1, ref -> null, registry).close();
    io.micrometer.core.instrument.Timer.builder("cyclegan.inference.model.load")
        .publishPercentileHistogram()
        .register(registry)
        .record(1, TimeUnit.SECONDS);
    m.batchSize.record(4);
    m.queue.record(5, TimeUnit.MILLISECONDS);
    m.inference.record(50, TimeUnit.MILLISECONDS);
    m.latency.record(80, TimeUnit.MILLISECONDS);
    m.ok.increment();

    String scrape = registry.scrape();
    assertThat(scrape)
        .contains("cyclegan_inference_batch_size_bucket{")
        .contains("cyclegan_inference_queue_seconds_bucket{")
        .contains("cyclegan_inference_seconds_bucket{")
        .contains("cyclegan_inference_latency_seconds_bucket{")
        .contains("cyclegan_inference_images_total{status=\"ok\"}")
        .contains("cyclegan_inference_model_load_seconds_bucket{")
        .contains("cyclegan_inference_model_cache_total{result=\"hit\"}")
        .contains("cyclegan_inference_model_cache_total{result=\"miss\"}");
  }
}
