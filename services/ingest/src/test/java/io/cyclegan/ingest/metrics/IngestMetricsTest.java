package io.cyclegan.ingest.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class IngestMetricsTest {

  @Test
  void shouldExposePrometheusNamesWithBaseUnitsWhenRecorded() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    IngestMetrics metrics = new IngestMetrics(registry);

    metrics.image("dataset", IngestMetrics.ACCEPTED, 1000);
    metrics.rejected("TRUNCATED");
    metrics.validation().record(Duration.ofMillis(12));
    metrics.batchRecords(3);

    String scrape = registry.scrape();
    assertThat(scrape)
        .contains("cyclegan_ingest_images_total{outcome=\"accepted\",purpose=\"dataset\"} 1.0")
        .contains("cyclegan_ingest_bytes_total{purpose=\"dataset\"} 1000.0")
        .contains("cyclegan_ingest_rejections_total{reason=\"TRUNCATED\"} 1.0")
        .contains("cyclegan_ingest_validation_seconds_bucket{")
        .contains("cyclegan_ingest_batch_seconds_bucket{")
        .contains("cyclegan_ingest_batch_records_bucket{le=\"5.0\"} 1");
  }

  @Test
  void shouldFoldUnknownPurposesIntoOneTagWhenSendersMakeThemUp() {
    assertThat(IngestMetrics.purposeTag("dataset")).isEqualTo("dataset");
    assertThat(IngestMetrics.purposeTag("translate")).isEqualTo("translate");
    assertThat(IngestMetrics.purposeTag(null)).isEqualTo("none");
    assertThat(IngestMetrics.purposeTag("anything-" + System.nanoTime())).isEqualTo("unknown");
  }
}
