package io.cyclegan.cli.training;

import io.cyclegan.common.store.Names;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.common.store.ObjectStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The jobs' durable state documents ({@code jobs/{id}/state.json}). The training worker defines
 * their fields, so they are read as plain maps and only well-known fields are picked out.
 */
final class JobStates {
  private final ObjectStore store;

  JobStates(ObjectStore store) {
    this.store = store;
  }

  /** One summary per job, in id order. */
  List<String> summaries() {
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
                lines.add(summary(id, fields));
              });
    }
    return lines;
  }

  /**
   * One row per job, in id order: id, state, epoch, step (null when the document has none).
   *
   * @param limit at most this many rows; 0 for all
   */
  List<Map<String, Object>> rows(int limit) {
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
                rows.add(row(id, fields));
              });
    }
    return rows;
  }

  /** The row of one job's state document: id, state, epoch, step. */
  static Map<String, Object> row(String id, Map<String, Object> state) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", id);
    row.put("state", state.get("state"));
    row.put("epoch", state.get("epoch"));
    row.put("step", state.get("step"));
    return row;
  }

  /** {@code id state epoch N step M}, leaving out what the document does not say. */
  static String summary(String id, Map<String, Object> state) {
    Object status = state.getOrDefault("state", "?");
    StringBuilder line = new StringBuilder(String.format("%-30s %-12s", id, status));
    if (state.get("epoch") != null) {
      line.append(" epoch ").append(state.get("epoch"));
    }
    if (state.get("step") != null) {
      line.append(" step ").append(state.get("step"));
    }
    return line.toString().stripTrailing();
  }
}
