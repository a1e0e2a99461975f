package io.cyclegan.cli.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QueriedSeriesTest {

  @Test
  void shouldFindOnlyMetricNamesWhenAnExpressionHasFunctionsMatchersAndGrouping() {
    String expr =
        "histogram_quantile(0.95, sum by (le, job) (rate(cyclegan_inference_seconds_bucket"
            + "{job=~\"$job\", status!=\"a(b)\"}[$__rate_interval]))) / on (job) group_left"
            + " sum without (instance) (jvm_memory_max_bytes offset 5m) > bool 0.5";

    assertThat(QueriedSeries.metricNames(expr))
        .containsExactly("cyclegan_inference_seconds_bucket", "jvm_memory_max_bytes");
  }

  @Test
  void shouldFindAMetricWithoutMatchersWhenItStandsAlone() {
    assertThat(QueriedSeries.metricNames("up == 0")).containsExactly("up");
    assertThat(QueriedSeries.metricNames("max(cyclegan_training_loss) by (term)"))
        .containsExactly("cyclegan_training_loss");
  }
}
