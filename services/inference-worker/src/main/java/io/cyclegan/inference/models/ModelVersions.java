package io.cyclegan.inference.models;

import io.cyclegan.common.messages.ModelAnnouncement;
import io.cyclegan.common.store.Names;
import io.cyclegan.common.store.ObjectKeys;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The newest version of each model, from the announcements on {@code cyclegan.models} and, for a
 * model not announced (yet) to this worker, from {@code models/{m}/latest.json}. Between two
 * sources the announcement with the later time wins, so a late replay of an old record does not
 * roll a model back. The {@link LatestPointerPoller} reads the pointers of the models known here
 * again now and then, so a lost announcement delays a swap but cannot prevent it.
 */
public final class ModelVersions {
  private final Map<String, ModelAnnouncement> latest = new ConcurrentHashMap<>();
  private final LatestPointer latestPointer;

  /** Reads {@code models/{m}/latest.json}. */
  @FunctionalInterface
  public interface LatestPointer {
    /**
     * The pointer, or empty when there is none; waits out store faults until {@code deadline}
     * (null: the outage budget).
     */
    Optional<ModelAnnouncement> read(String model, Instant deadline);
  }

  public ModelVersions(LatestPointer latestPointer) {
    this.latestPointer = latestPointer;
  }

  /** The models a version is known of (announced, or resolved through their pointer). */
  public Set<String> models() {
    return Set.copyOf(latest.keySet());
  }

  /** Reads a model's {@code latest.json} now, waiting for the store until {@code deadline}. */
  public Optional<ModelAnnouncement> readPointer(String model, Instant deadline) {
    return latestPointer.read(model, deadline);
  }

  /**
   * Records an announcement; true when it names a version newer than the one known (a hot swap).
   */
  public boolean announce(ModelAnnouncement a) {
    ModelAnnouncement[] before = new ModelAnnouncement[1];
    ModelAnnouncement after =
        latest.merge(
            a.model(),
            a,
            (old, neu) -> {
              before[0] = old;
              return neu.time().isBefore(old.time()) ? old : neu;
            });
    return after == a && (before[0] == null || !before[0].version().equals(a.version()));
  }

  /**
   * The version a request gets: the pinned one, or the newest.
   *
   * @throws UnknownModelException naming the model when no version is known anywhere
   */
  public ModelRef resolve(String model, String pinnedVersion) {
    return resolve(model, pinnedVersion, null);
  }

  /**
   * As {@link #resolve(String, String)}; reading the pointer waits for the store until {@code
   * deadline} at most.
   */
  public ModelRef resolve(String model, String pinnedVersion, Instant deadline) {
    if (!Names.isValid(model)) {
      throw new UnknownModelException(
          "unknown model '" + model + "': not a valid model name ([a-z0-9][a-z0-9._-]{0,62})");
    }
    if (pinnedVersion != null) {
      if (!Names.isValid(pinnedVersion)) {
        throw new UnknownModelException(
            "unknown version '" + pinnedVersion + "' of model '" + model + "': not a valid name");
      }
      return new ModelRef(model, pinnedVersion);
    }
    ModelAnnouncement a = latest.get(model);
    if (a == null) {
      Optional<ModelAnnouncement> pointer = latestPointer.read(model, deadline);
      if (pointer.isEmpty()) {
        throw new UnknownModelException(
            "unknown model '"
                + model
                + "': no version announced on the models topic and no "
                + ObjectKeys.modelLatest(model));
      }
      announce(pointer.get());
      a = latest.get(model);
    }
    return new ModelRef(model, a.version());
  }
}
