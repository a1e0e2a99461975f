package io.cyclegan.training.fleet;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The fleet's meters:
 *
 * <ul>
 *   <li>{@code cyclegan_training_queue_length} gauge: jobs waiting for a worker, as this worker
 *       last saw the queue (every worker reports it; take the max over replicas, not the sum);
 *   <li>{@code cyclegan_training_queue_running} gauge: queued jobs some worker holds a lease of;
 *   <li>{@code cyclegan_training_lease_held} gauge: 1 while this worker holds a job's lease;
 *   <li>{@code cyclegan_training_lease_events_total{event}} counter: {@code acquired}, {@code
 *       race_lost} (another worker won the claim), {@code renewed}, {@code lost} (the lease ran out
 *       or another worker holds it: the job stopped without writing), {@code released}, {@code
 *       stale_state_repaired} (a state.json written under an older epoch was found and rewritten).
 * </ul>
 */
public final class FleetMetrics {
  private final MeterRegistry registry;
  private final AtomicInteger waiting = new AtomicInteger();
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger held = new AtomicInteger();

  public FleetMetrics(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder("cyclegan.training.queue.length", waiting, AtomicInteger::get)
        .description("training jobs waiting for a worker, as this worker last saw the queue")
        .register(registry);
    Gauge.builder("cyclegan.training.queue.running", running, AtomicInteger::get)
        .description("queued training jobs that a worker holds the lease of")
        .register(registry);
    Gauge.builder("cyclegan.training.lease.held", held, AtomicInteger::get)
        .description("1 while this worker holds the lease of a job")
        .register(registry);
  }

  void queue(int waitingJobs, int runningJobs) {
    waiting.set(waitingJobs);
    running.set(runningJobs);
  }

  void held(boolean holds) {
    held.set(holds ? 1 : 0);
  }

  void lease(String event) {
    Counter.builder("cyclegan.training.lease.events")
        .description("lease events on this worker (acquired, race_lost, renewed, lost, released)")
        .tag("event", event)
        .register(registry)
        .increment();
  }
}
