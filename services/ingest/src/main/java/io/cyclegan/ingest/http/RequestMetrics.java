package io.cyclegan.ingest.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@code cyclegan_http_requests_total{route,status}}: every request to the HTTP API, by the
 * endpoint's path template (or {@code unmatched}, so that probes for random paths cannot blow up
 * the cardinality) and the status answered ({@code none} when the connection ended first).
 */
final class RequestMetrics {
  static final String UNMATCHED = "unmatched";

  private final MeterRegistry registry;

  RequestMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  void count(String route, Integer status) {
    Counter.builder("cyclegan.http.requests")
        .description("HTTP API requests, by route template and status")
        .tag("route", route)
        .tag("status", status == null ? "none" : status.toString())
        .register(registry)
        .increment();
  }
}
