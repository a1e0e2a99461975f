package io.cyclegan.inference.models;

import io.cyclegan.common.messages.ModelAnnouncement;
import io.cyclegan.common.server.Liveness;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code models/{m}/latest.json} of every model this worker knows, every {@code interval},
 * and hands each pointer on as if it had been announced (announcements are ordered by their time,
 * so an old pointer changes nothing). The models topic is the fast path; this is the one that
 * cannot be lost: a training worker that wrote the pointer and died before announcing, or an
 * announcement a worker missed, is caught up within one interval, so the fleet cannot stay split
 * between versions.
 *
 * <p>A store that is away skips a round (each read waits at most one interval); an {@link Error}
 * ends the poller and reports it dead to the {@link Liveness}.
 */
public final class LatestPointerPoller implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LatestPointerPoller.class);
  static final String NAME = "inference-model-poller";

  private final ModelVersions versions;
  private final Consumer<ModelAnnouncement> onPointer;
  private final Duration interval;
  private final Liveness liveness;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, NAME);
            t.setDaemon(true);
            return t;
          });

  public LatestPointerPoller(
      ModelVersions versions,
      Consumer<ModelAnnouncement> onPointer,
      Duration interval,
      Liveness liveness) {
    this.versions = versions;
    this.onPointer = onPointer;
    this.interval = interval;
    this.liveness = liveness;
  }

  public void start() {
    long ms = interval.toMillis();
    timer.scheduleWithFixedDelay(
        liveness.guard(NAME, this::pollOnce), ms, ms, TimeUnit.MILLISECONDS);
  }

  /** One round over the known models. */
  void pollOnce() {
    for (String model : versions.models()) {
      try {
        Optional<ModelAnnouncement> pointer =
            versions.readPointer(model, Instant.now().plus(interval));
        pointer.ifPresent(onPointer);
      } catch (RuntimeException e) {
        log.warn("latest.json of model {} not read this round: {}", model, e.toString());
      }
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
