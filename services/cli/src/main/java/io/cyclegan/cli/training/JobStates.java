package io.cyclegan.cli.training;

import io.cyclegan.common.store.ObjectInfo;
import io.cyclegan.common.store.ObjectStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The jobs' durable state documents ({@code jobs/{id}/state.json}). The training worker defines
 * their fields, so they are read as plain maps and only well-known fields are picked out.
 */
final class JobStates {
  private static final Pattern STATE_KEY = Pattern.compile("jobs/([^/]+)/state\\.json");

  private final ObjectStore store;

  JobStates(ObjectStore store) {
    this.store = store;
  }

  /** One summary per job, in id order. */
  List<String> summaries() {
    List<String> lines = new ArrayList<>();
    for (ObjectInfo info : store.list("jobs/")) {
      Matcher m = STATE_KEY.matcher(info.key());
      if (m.matches()) {
        @SuppressWarnings("unchecked")
        Map<String, Object> state = store.getJson(info.key(), Map.class).orElse(Map.of());
        lines.add(summary(m.group(1), state));
      }
    }
    return lines;
  }

  /** {@code id state epoch N step M}, leaving out what the document does not say. */
  static String summary(String id, Map<String, Object> state) {
    Object status = state.getOrDefault("state", state.getOrDefault("status", "?"));
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
