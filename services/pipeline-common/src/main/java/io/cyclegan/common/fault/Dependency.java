package io.cyclegan.common.fault;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one service knows of one dependency ({@code kafka}, {@code object-store}): whether its last
 * call worked, since when it has been failing, and how many retries the outage cost. Updated by the
 * callers that retry and by background probes; read by {@code /readyz} and the metrics, never by
 * calling the dependency on a request thread.
 *
 * <p>Metrics: {@code cyclegan_dependency_up{dependency}} (1 or 0), {@code
 * cyclegan_dependency_outage_seconds{dependency}} (how long the current outage has lasted, 0 when
 * up) and {@code cyclegan_retries_total{dependency}}.
 */
public final class Dependency {
  private static final Logger log = LoggerFactory.getLogger(Dependency.class);

  private final String name;
  private final Clock clock;
  private final AtomicReference<Instant> failingSince = new AtomicReference<>();
  private volatile String lastError;
  private Counter retries;

  public Dependency(String name) {
    this(name, Clock.systemUTC());
  }

  Dependency(String name, Clock clock) {
    this.name = name;
    this.clock = clock;
  }

  /** Registers this dependency's meters; call once. */
  public Dependency bindTo(MeterRegistry registry) {
    Gauge.builder("cyclegan.dependency.up", this, d -> d.isUp() ? 1 : 0)
        .description("1 when the last call to the dependency worked")
        .tag("dependency", name)
        .register(registry);
    Gauge.builder(
            "cyclegan.dependency.outage.seconds",
            this,
            d -> d.outage().map(x -> x.toMillis() / 1000.0).orElse(0.0))
        .description("how long the current outage of the dependency has lasted, 0 when up")
        .tag("dependency", name)
        .register(registry);
    retries =
        Counter.builder("cyclegan.retries")
            .description("retries of calls that failed with a transient fault")
            .tag("dependency", name)
            .register(registry);
    return this;
  }

  public String name() {
    return name;
  }

  public boolean isUp() {
    return failingSince.get() == null;
  }

  /** How long the current outage has lasted, or empty when the dependency is up. */
  public Optional<Duration> outage() {
    Instant since = failingSince.get();
    return since == null ? Optional.empty() : Optional.of(Duration.between(since, clock.instant()));
  }

  public Optional<String> lastError() {
    return isUp() ? Optional.empty() : Optional.ofNullable(lastError);
  }

  public void succeeded() {
    Instant since = failingSince.getAndSet(null);
    if (since != null) {
      log.info(
          "{} is back after {} s",
          name,
          Duration.between(since, clock.instant()).toMillis() / 1000.0);
    }
  }

  public void failed(Throwable error) {
    lastError = error.getClass().getSimpleName();
    if (failingSince.compareAndSet(null, clock.instant())) {
      log.warn("{} is failing: {}", name, error.toString());
    }
  }

  /** Counts one retry of a transient fault. */
  public void retried() {
    if (retries != null) {
      retries.increment();
    }
  }
}
