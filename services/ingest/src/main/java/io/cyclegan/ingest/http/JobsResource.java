package io.cyclegan.ingest.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cyclegan.common.messages.CloudEvents;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.messages.MessageFormatException;
import io.cyclegan.common.messages.Topics;
import io.cyclegan.common.messages.TrainingCommand;
import io.cyclegan.common.messages.TrainingCommand.InitFrom;
import io.cyclegan.common.queue.QueuePlace;
import io.cyclegan.common.queue.QueueSnapshot;
import io.cyclegan.common.queue.QueueSnapshots;
import io.cyclegan.common.store.ListPage;
import io.cyclegan.common.store.Names;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.ingest.routing.BatchResult;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /jobs}: training commands published as on {@code cyclegan.training.commands}, and the
 * jobs' durable state documents ({@code jobs/{id}/state.json}) as the training worker writes them:
 * listed, read, or followed as Server-Sent Events until the job ends. Listed and read, each job
 * carries its place in the training fleet's queue ({@code "queue"}, from the snapshot the workers
 * keep, {@link QueueSnapshots}); {@code GET /training/queue} serves the snapshot itself.
 */
final class JobsResource implements Resource {
  private static final Logger log = LoggerFactory.getLogger(JobsResource.class);
  private static final ObjectMapper JSON = MessageCodec.mapper();
  private static final long MAX_JSON_BYTES = 1 << 20;
  private static final String JOBS = "jobs/";
  private static final Set<String> JOB_FIELDS =
      Set.of("jobId", "model", "dataset", "params", "initFrom");

  /** The states a job never leaves (DESIGN.md, "Terminal states are final"). */
  static final Set<String> FINAL_STATES = Set.of("completed", "failed", "cancelled");

  private final ObjectStore store;
  private final Producer<byte[], byte[]> producer;
  private final Topics topics;
  private final String eventSource;
  private final Bodies bodies;
  private final EventStreams events;
  private final Duration sendTimeout;

  JobsResource(
      ObjectStore store,
      Producer<byte[], byte[]> producer,
      Topics topics,
      String eventSource,
      Bodies bodies,
      EventStreams events,
      Duration sendTimeout) {
    this.store = store;
    this.producer = producer;
    this.topics = topics;
    this.eventSource = eventSource;
    this.bodies = bodies;
    this.events = events;
    this.sendTimeout = sendTimeout;
  }

  @Override
  public void register(Routes routes) {
    routes.on("GET", "/jobs", this::list);
    routes.on("POST", "/jobs", this::start);
    routes.on("GET", "/jobs/{jobId}", this::state);
    routes.stream("/jobs/{jobId}/events", this::stateEvents);
    routes.on("POST", "/jobs/{jobId}/cancel", this::cancel);
    routes.on("GET", "/training/queue", this::queue);
  }

  // GET /jobs?limit=&cursor=: one delimited listing page of job ids, then each one's state and
  // one read of the queue snapshot: O(page), whatever the number of jobs.
  private void list(Context ctx) {
    Paging.Request request = Paging.of(ctx);
    ListPage<String> page = store.listPrefixesPage(JOBS, request.after(), request.limit());
    Map<String, QueuePlace> places = page.items().isEmpty() ? Map.of() : places();
    List<Object> items = new ArrayList<>();
    for (String jobId : page.items()) {
      if (!Names.isValid(jobId)) {
        continue;
      }
      Optional<byte[]> state = store.get(ObjectKeys.jobState(jobId));
      if (state.isPresent()) {
        items.add(annotated(jobId, state.get(), places.get(jobId)));
      }
    }
    HttpApi.json(ctx, 200, Paging.answer(ctx, "jobs", items, page, request.limit()));
  }

  // GET /training/queue: the snapshot, validated; an empty queue without updatedAt when no worker
  // wrote one yet or the stored one is unreadable.
  private void queue(Context ctx) {
    HttpApi.json(
        ctx,
        200,
        QueueSnapshots.read(store)
            .orElse(new QueueSnapshot(QueueSnapshot.SCHEMA, null, List.of(), List.of())));
  }

  private Map<String, QueuePlace> places() {
    return QueueSnapshots.read(store).map(QueueSnapshots::places).orElse(Map.of());
  }

  /**
   * The state document with the job's {@code "queue"} place, when it has one. A document that is
   * not a JSON object is shown as {@code {"jobId", "state": "unreadable"}}: one bad document does
   * not hide the others of the page.
   */
  private static JsonNode annotated(String jobId, byte[] state, QueuePlace place) {
    ObjectNode doc;
    try {
      JsonNode node = JSON.readTree(state);
      if (node == null || !node.isObject()) {
        throw new IOException("not a JSON object");
      }
      doc = (ObjectNode) node;
    } catch (IOException e) {
      log.warn("the state of job {} does not parse: {}", jobId, e.getMessage());
      doc = JSON.createObjectNode();
      doc.put("jobId", jobId);
      doc.put("state", "unreadable");
    }
    if (place != null) {
      doc.set("queue", JSON.valueToTree(place));
    } else {
      doc.remove("queue");
    }
    return doc;
  }

  // POST /jobs {"jobId","model","dataset","params","initFrom"}: publishes the same command as the
  // topic. initFrom is {"model","version"} as on the topic, or "MODEL[:VERSION]" as in the CLI.
  private void start(Context ctx) throws IOException {
    JsonNode body = bodies.jsonObject(ctx, MAX_JSON_BYTES, false);
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!JOB_FIELDS.contains(field)) {
        throw ApiException.badRequest(
            "UNKNOWN_FIELD", "unknown field '" + field + "', expected some of " + JOB_FIELDS);
      }
    }
    String jobId = Params.text(body, "jobId");
    if (jobId == null) {
      jobId = "job-" + UUID.randomUUID();
    }
    Params.name("job id", jobId, "INVALID_JOB_ID");
    String model = Params.name("model", Params.required(body, "model"), "INVALID_MODEL");
    String dataset = Params.name("dataset", Params.required(body, "dataset"), "INVALID_DATASET");
    JsonNode params = body.get("params");
    Map<String, Object> paramMap = Map.of();
    if (params != null && !params.isNull()) {
      if (!params.isObject()) {
        throw ApiException.badRequest("INVALID_PARAMS", "field 'params' must be a JSON object");
      }
      paramMap = JSON.convertValue(params, new TypeReference<Map<String, Object>>() {});
    }
    publish(
        jobId,
        TrainingCommand.start(jobId, model, dataset, paramMap).withInitFrom(initFrom(body)),
        ctx);
    log.info("training job {} requested: model {} on dataset {}", jobId, model, dataset);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("jobId", jobId);
    out.put("status", "submitted");
    out.put("state", "/jobs/" + jobId);
    ctx.header("Location", "/jobs/" + jobId);
    HttpApi.json(ctx, 202, out);
  }

  private static InitFrom initFrom(JsonNode body) {
    JsonNode node = body.get("initFrom");
    if (node == null || node.isNull()) {
      return null;
    }
    InitFrom from;
    try {
      if (node.isTextual()) {
        from = InitFrom.parse(node.asText());
      } else if (node.isObject()) {
        from = JSON.treeToValue(node, InitFrom.class);
      } else {
        throw new IllegalArgumentException("must be an object or MODEL[:VERSION]");
      }
    } catch (IllegalArgumentException | JsonProcessingException | MessageFormatException e) {
      throw ApiException.badRequest(
          "INVALID_INIT_FROM",
          "field 'initFrom' must be {\"model\": NAME, \"version\": NAME} or \"MODEL[:VERSION]\": "
              + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
    }
    Params.name("initFrom model", from.model(), "INVALID_INIT_FROM");
    if (from.version() != null) {
      Params.name("initFrom version", from.version(), "INVALID_INIT_FROM");
    }
    return from;
  }

  // POST /jobs/{id}/cancel
  private void cancel(Context ctx) {
    String jobId = Params.name("job id", ctx.pathParam("jobId"), "INVALID_JOB_ID");
    publish(jobId, TrainingCommand.cancel(jobId), ctx);
    log.info("training job {}: cancel requested", jobId);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("jobId", jobId);
    out.put("status", "cancel requested");
    HttpApi.json(ctx, 202, out);
  }

  // GET /jobs/{id}: the training worker's durable state document, as it wrote it, with the job's
  // place in the queue.
  private void state(Context ctx) {
    String jobId = Params.name("job id", ctx.pathParam("jobId"), "INVALID_JOB_ID");
    byte[] state =
        store
            .get(ObjectKeys.jobState(jobId))
            .orElseThrow(() -> ApiException.notFound("no job '" + jobId + "'"));
    HttpApi.json(ctx, 200, annotated(jobId, state, places().get(jobId)));
  }

  // GET /jobs/{id}/events: the state document each time it changes, until a final state.
  private void stateEvents(Context ctx) throws IOException {
    String jobId = Params.name("job id", ctx.pathParam("jobId"), "INVALID_JOB_ID");
    String key = ObjectKeys.jobState(jobId);
    if (!store.exists(key)) {
      throw ApiException.notFound(
          "no job '" + jobId + "' (yet): a job has a state once a worker has accepted it");
    }
    events.follow(ctx, key, "state", JSON.createObjectNode(), JobsResource::isFinal);
  }

  static boolean isFinal(JsonNode state) {
    JsonNode s = state.get("state");
    return s != null && FINAL_STATES.contains(s.asText().toLowerCase(Locale.ROOT));
  }

  /**
   * Publishes the command with the caller ({@link JobPrincipal}) and the request's trace context
   * ({@code traceparent}, a child span of the request's), as translations carry theirs.
   */
  private void publish(String jobId, TrainingCommand command, Context ctx) {
    try {
      producer
          .send(
              HttpApi.trace(ctx)
                  .child()
                  .on(
                      JobPrincipal.add(
                          CloudEvents.record(
                              topics.trainingCommands(), jobId, command, eventSource),
                          Routes.principal(ctx))))
          .get(sendTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new BatchResult.OutputNotDurableException(
          "the training command was not acknowledged: " + e.getMessage(), e);
    }
  }
}
