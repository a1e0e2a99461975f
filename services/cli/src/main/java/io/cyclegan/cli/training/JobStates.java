package io.cyclegan.cli.training;

import com.fasterxml.jackson.core.type.TypeReference;
import io.cyclegan.cli.listing.Page;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.store.ListPage;
import io.cyclegan.common.store.Names;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.common.store.StoreException;
import io.cyclegan.training.fleet.JobQueue;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The jobs' durable state documents ({@code jobs/{id}/state.json}). The training worker defines
 * their fields, so they are read as plain maps and only well-known fields are picked out. Where a
 * job is in the training fleet's queue (waiting at a position, or held by a worker) comes from the
 * queue snapshot the workers keep ({@code training/queue.json}).
 */
final class JobStates {
  private static final String JOBS = "jobs/";

  private final ObjectStore store;

  JobStates(ObjectStore store) {
    this.store = store;
  }

  /**
   * One page of jobs, in id order: one delimited list request of {@code jobs/} for at most {@code
   * limit} job ids, one read of each of their state documents, and one of the queue snapshot,
   * however many jobs the store holds. A row has id, state, queue place, epoch and step (null when
   * the document has none); an id with no state document yet is left out.
   *
   * @param after the id the previous page ended on, or null for the first page
   * @param limit 1 to {@link ObjectStore#MAX_PAGE}
   */
  Page page(String after, int limit) {
    ListPage<String> ids = store.listPrefixesPage(JOBS, after, limit);
    Map<String, String> places = ids.items().isEmpty() ? Map.of() : queuePlaces();
    List<Map<String, Object>> rows = new ArrayList<>();
    for (String id : ids.items()) {
      if (!Names.isValid(id)) {
        continue; // not written by the pipeline
      }
      state(id)
          .ifPresent(
              fields -> {
                Map<String, Object> row = row(id, fields);
                if (places.containsKey(id)) {
                  row.put("place", places.get(id));
                }
                rows.add(row);
              });
    }
    return new Page(rows, ids.last());
  }

  /** The job's state document as a map; a document that does not parse is listed as unreadable. */
  private Optional<Map<String, Object>> state(String id) {
    return store
        .get(ObjectKeys.jobState(id))
        .map(
            bytes -> {
              try {
                return MessageCodec.mapper().readValue(bytes, FIELDS);
              } catch (IOException e) {
                // One bad document must not hide the other jobs of the page.
                return Map.of("state", "unreadable");
              }
            });
  }

  private static final TypeReference<Map<String, Object>> FIELDS = new TypeReference<>() {};

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
