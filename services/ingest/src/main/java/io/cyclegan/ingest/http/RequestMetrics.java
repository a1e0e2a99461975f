package io.cyclegan.ingest.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The request metrics of the HTTP API, by the endpoint's path template (or {@code unmatched}, so
 * that probes for random paths cannot blow up the cardinality), never the raw path:
 *
 * <ul>
 *   <li>{@code http_server_requests_seconds{method,uri,status,outcome}}, a timer named as Spring
 *       and Micronaut name it, so the usual dashboards work, with fixed buckets ({@link #BUCKETS},
 *       {@code _bucket{le}}) so that a dashboard takes quantiles across replicas with {@code
 *       histogram_quantile}: a dozen fixed buckets rather than Micrometer's percentile histogram
 *       (dozens per series), as every method, route and status is a series of its own;
 *   <li>{@code cyclegan_http_requests_total{route,status}}, the earlier counter, kept for the
 *       dashboards and alerts that query it.
 * </ul>
 *
 * A request whose connection ended before an answer counts as status {@code 499} (outcome {@code
 * CLIENT_ERROR}); one whose body did not arrive within the read timeout as {@code 408}.
 */
final class RequestMetrics {
  static final String UNMATCHED = "unmatched";

  /** The upper bounds of the latency buckets: from a cached read to a large upload. */
  static final Duration[] BUCKETS = {
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(30),
    Duration.ofSeconds(60)
  };

  private final MeterRegistry registry;

  RequestMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  void record(String method, String uri, int status, long nanos) {
    String code = Integer.toString(status);
    Timer.builder("http.server.requests")
        .description("HTTP API requests, by method, route template, status and outcome")
        .tag("method", method)
        .tag("uri", uri)
        .tag("status", code)
        .tag("outcome", outcome(status))
        .serviceLevelObjectives(BUCKETS)
        .register(registry)
        .record(Math.max(0, nanos), TimeUnit.NANOSECONDS);
    Counter.builder("cyclegan.http.requests")
        .description("HTTP API requests, by route template and status")
        .tag("route", uri)
        .tag("status", code)
        .register(registry)
        .increment();
  }

  static String outcome(int status) {
    if (status < 200) {
      return "INFORMATIONAL";
    } else if (status < 300) {
      return "SUCCESS";
    } else if (status < 400) {
      return "REDIRECTION";
    } else if (status < 500) {
      return "CLIENT_ERROR";
    }
    return "SERVER_ERROR";
  }
}
