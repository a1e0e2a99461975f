package io.cyclegan.cli.training;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.cyclegan.cli.listing.Page;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.queue.QueuePlace;
import io.cyclegan.common.queue.QueueSnapshots;
import io.cyclegan.common.store.ListPage;
import io.cyclegan.common.store.Names;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.common.store.StoreException;
import java.io.IOException;
import java.util.ArrayList;
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
    Map<String, QueuePlace> places = ids.items().isEmpty() ? Map.of() : queuePlaces();
    List<Map<String, Object>> rows = new ArrayList<>();
    for (String id : ids.items()) {
      if (!Names.isValid(id)) {
        continue; // not written by the pipeline
      }
      state(id).ifPresent(fields -> rows.add(row(id, fields, places.get(id))));
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
   * The row of one job's state document: id, state, place, epoch, step. The place is the job's
   * place in the queue snapshot ({@link QueuePlace#text()}: {@code queued P/N} or {@code on
   * WORKER}) when it has one, else {@code on WORKER} while the document says a worker runs it.
   *
   * @param queue the job's place in the queue snapshot, or null
   */
  static Map<String, Object> row(String id, Map<String, Object> state, QueuePlace queue) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", id);
    row.put("state", state.get("state"));
    Object worker = state.get("worker");
    row.put(
        "place",
        queue != null
            ? queue.text()
            : "running".equals(state.get("state")) && worker != null ? "on " + worker : null);
    row.put("epoch", state.get("epoch"));
    row.put("step", state.get("step"));
    return row;
  }

  /**
   * The row of a job as {@code GET /jobs} answers it: its state document with the API's {@code
   * "queue"} place, read as the direct transport reads the snapshot.
   */
  static Map<String, Object> apiRow(Map<String, Object> job) {
    QueuePlace queue = null;
    if (job.get("queue") instanceof Map<?, ?> place) {
      try {
        // Fields a newer API added are ignored, as in messages.
        JsonNode tree = MessageCodec.mapper().valueToTree(place);
        queue = MessageCodec.documentReader().forType(QueuePlace.class).readValue(tree);
      } catch (IOException | IllegalArgumentException e) {
        // A place this CLI cannot read: the row is shown without it.
      }
    }
    return row(String.valueOf(job.get("jobId")), job, queue);
  }

  /** Each job's place in the queue snapshot; empty without a (readable) snapshot. */
  private Map<String, QueuePlace> queuePlaces() {
    try {
      return QueueSnapshots.read(store).map(QueueSnapshots::places).orElse(Map.of());
    } catch (StoreException e) {
      // The snapshot only adds detail: the states are listed without it.
      return Map.of();
    }
  }
}
