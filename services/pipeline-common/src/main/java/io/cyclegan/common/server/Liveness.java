package io.cyclegan.common.server;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The long-lived loops of a service (command loop, consumers, watchers, the model thread) and
 * whether each is still alive. A loop that ends by an unexpected error is reported dead: {@code
 * /healthz} then answers 503 naming it, so Kubernetes restarts the pod, and the service's {@code
 * onDeath} action runs (the mains exit the process; tests only look). Nothing dies quietly.
 */
public final class Liveness {
  private static final Logger log = LoggerFactory.getLogger(Liveness.class);

  private final Map<String, String> dead = new ConcurrentHashMap<>();
  private volatile Consumer<String> onDeath = name -> {};

  /** What to do when a loop dies, e.g. exit the process; called once per dead loop. */
  public Liveness onDeath(Consumer<String> action) {
    this.onDeath = action;
    return this;
  }

  /** Reports the loop {@code name} dead because of {@code error}. */
  public void died(String name, Throwable error) {
    String reason = error == null ? "stopped" : error.getClass().getSimpleName();
    if (dead.putIfAbsent(name, reason) == null) {
      log.error("{} died; the service is no longer healthy", name, error);
      onDeath.accept(name);
    }
  }

  /**
   * Wraps a loop's body: an exception or error that escapes it reports the loop dead (and is not
   * rethrown: the thread ends either way).
   */
  public Runnable guard(String name, Runnable body) {
    return () -> {
      try {
        body.run();
      } catch (Throwable e) { // an Error too: a loop that is gone must be seen
        died(name, e);
      }
    };
  }

  /** A daemon thread that runs {@code body} guarded; not started. */
  public Thread thread(String name, Runnable body) {
    Thread t = new Thread(guard(name, body), name);
    t.setDaemon(true);
    return t;
  }

  public boolean healthy() {
    return dead.isEmpty();
  }

  /** The dead loops, each with the kind of error that ended it. */
  public Map<String, String> deadLoops() {
    return Map.copyOf(dead);
  }

  /** The reason for one loop, if dead. */
  public Optional<String> reason(String name) {
    return Optional.ofNullable(dead.get(name));
  }

  List<String> lines() {
    return dead.entrySet().stream().map(e -> e.getKey() + " dead (" + e.getValue() + ")").toList();
  }
}
