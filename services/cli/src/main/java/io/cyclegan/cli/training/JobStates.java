package io.cyclegan.cli.training;

import io.cyclegan.common.store.Names;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.common.store.StoreException;
import io.cyclegan.training.fleet.JobQueue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The jobs' durable state documents ({@code jobs/{id}/state.json}). The training worker defines
 * their fields, so they are read as plain maps and only well-known fields are picked out. Where a
 * job is in the training fleet's queue (waiting at a position, or held by a worker) comes from the
 * queue snapshot the workers keep ({@code training/queue.json}).
 */
final class JobStates {
  private final ObjectStore store;

  JobStates(ObjectStore store) {
    this.store = store;
  }

  /** One summary per job, in id order. */
  List<String> summaries() {
    Map<String, String> places = queuePlaces();
    List<String> lines = new ArrayList<>();
    for (String id : store.listPrefixes("jobs/")) {
      if (!Names.isValid(id)) {
        continue; // not written by the pipeline
      }
      store
          .getJson(ObjectKeys.jobState(id), Map.class)
          .ifPresent(
              state -> {
                @SuppressWarnings("unchecked")
                Map<String, Object> fields = state;
                lines.add(summary(id, fields, places.get(id)));
              });
    }
    return lines;
  }

  /** {@code queued P/N} or {@code on WORKER} per job in the queue; empty without a snapshot. */
  private Map<String, String> queuePlaces() {
    Map<String, String> places = new HashMap<>();
    try {
      new JobQueue(store)
          .readSnapshot()
          .ifPresent(
              q -> {
                q.waiting()
                    .forEach(
                        w ->
                            places.put(
                                w.jobId(), "queued " + w.position() + "/" + q.waiting().size()));
                q.running().forEach(r -> places.put(r.jobId(), "on " + r.worker()));
              });
    } catch (StoreException e) {
      // The snapshot only adds detail: the states are listed without it.
    }
    return places;
  }

  /**
   * {@code id state [queued P/N | on WORKER] epoch N step M}, leaving out what is not known.
   *
   * @param place where the job is in the fleet's queue, or null
   */
  static String summary(String id, Map<String, Object> state, String place) {
    Object status = state.getOrDefault("state", "?");
    StringBuilder line = new StringBuilder(String.format("%-30s %-12s", id, status));
    if (place != null) {
      line.append(' ').append(place);
    }
    if (state.get("epoch") != null) {
      line.append(" epoch ").append(state.get("epoch"));
    }
    if (state.get("step") != null) {
      line.append(" step ").append(state.get("step"));
    }
    return line.toString().stripTrailing();
  }
}
