package io.cyclegan.inference.models;

import io.cyclegan.common.messages.ModelAnnouncement;
import io.cyclegan.common.store.Names;
import io.cyclegan.common.store.ObjectKeys;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The newest version of each model, from the announcements on {@code cyclegan.models} and, for a
 * model not announced (yet) to this worker, from {@code models/{m}/latest.json}. Between two
 * sources the announcement with the later time wins, so a late replay of an old record does not
 * roll a model back.
 */
public final class ModelVersions {
  private final Map<String, ModelAnnouncement> latest = new ConcurrentHashMap<>();
  private final Function<String, Optional<ModelAnnouncement>> latestPointer;

  /**
   * @param latestPointer reads {@code models/{m}/latest.json}
   */
  public ModelVersions(Function<String, Optional<ModelAnnouncement>> latestPointer) {
    this.latestPointer = latestPointer;
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
      Optional<ModelAnnouncement> pointer = latestPointer.apply(model);
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
