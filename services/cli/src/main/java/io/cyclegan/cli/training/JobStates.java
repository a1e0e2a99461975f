package io.cyclegan.cli.training;

import io.cyclegan.common.store.Names;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.common.store.StoreException;
import io.cyclegan.training.fleet.JobQueue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
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

  /**
   * One row per job, in id order: id, state, queue place, epoch, step (null when the document has
   * none).
   *
   * @param limit at most this many rows; 0 for all
   */
  List<Map<String, Object>> rows(int limit) {
    Map<String, String> places = queuePlaces();
    List<Map<String, Object>> rows = new ArrayList<>();
    for (String id : store.listPrefixes("jobs/")) {
      if (limit > 0 && rows.size() >= limit) {
        break;
      }
      if (!Names.isValid(id)) {
        continue; // not written by the pipeline
      }
      store
          .getJson(ObjectKeys.jobState(id), Map.class)
          .ifPresent(
              state -> {
                @SuppressWarnings("unchecked")
                Map<String, Object> fields = state;
                Map<String, Object> row = row(id, fields);
                if (places.containsKey(id)) {
                  row.put("place", places.get(id));
                }
                rows.add(row);
              });
    }
    return rows;
  }

  /**
   * The row of one job's state document: id, state, place ({@code on WORKER} while a worker holds
   * it, when the document says which), epoch, step.
   */
  static Map<String, Object> row(String id, Map<String, Object> state) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", id);
    row.put("state", state.get("state"));
    Object worker = state.get("worker");
    row.put(
        "place", "running".equals(state.get("state")) && worker != null ? "on " + worker : null);
    row.put("epoch", state.get("epoch"));
    row.put("step", state.get("step"));
    return row;
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
}
