package io.cyclegan.ingest.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.cyclegan.common.fault.Faults;
import io.cyclegan.common.messages.CloudEvents;
import io.cyclegan.common.messages.Headers;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.messages.MessageFormatException;
import io.cyclegan.common.messages.Topics;
import io.cyclegan.common.messages.TrainingCommand;
import io.cyclegan.common.messages.TrainingCommand.InitFrom;
import io.cyclegan.common.server.HttpServers;
import io.cyclegan.common.store.Names;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.common.store.StoreException;
import io.cyclegan.common.store.StoreUnavailableException;
import io.cyclegan.common.trace.TraceContext;
import io.cyclegan.ingest.auth.ApiAuth;
import io.cyclegan.ingest.auth.AuthException;
import io.cyclegan.ingest.auth.Caller;
import io.cyclegan.ingest.auth.OidcAuthenticator;
import io.cyclegan.ingest.auth.Scope;
import io.cyclegan.ingest.catalog.Catalog;
import io.cyclegan.ingest.routing.BatchResult;
import io.cyclegan.ingest.routing.IngestInput;
import io.cyclegan.ingest.routing.IngestProcessor;
import io.cyclegan.ingest.routing.Outcome;
import io.cyclegan.ingest.routing.RejectedInputException;
import io.cyclegan.ingest.routing.Route;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The HTTP API (docs/http-api.md) on the JDK's {@link HttpServer}. Image uploads become {@link
 * IngestInput}s with the headers a Kafka producer would send and go through the same {@link
 * IngestProcessor}; a request is answered once its outputs are durable. Errors are RFC 9457 problem
 * documents ({@code application/problem+json}) with a {@code reason} code.
 *
 * <p>Every request is authenticated ({@link ApiAuth}) before anything else, so an unauthenticated
 * caller learns nothing, not even which paths exist; then its {@link Endpoint}'s scope is checked,
 * then it waits in the bounded queue ({@link Admission}) for a worker, and only then is its body
 * read, within the read timeout ({@link ReadDeadline}) and the size limit.
 *
 * <p>A store or broker fault is never the caller's fault: it is a 503 {@code UNAVAILABLE} with a
 * {@code Retry-After}, after waiting at most {@link #STORE_WAIT} for the store, and its message
 * names no host, endpoint or bucket (the details are logged). A store that refuses a call for good
 * is a 500.
 */
public final class HttpApi implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HttpApi.class);
  private static final ObjectMapper JSON = MessageCodec.mapper();
  private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

  /** How long an upload waits out a store fault before it is answered 503. */
  static final Duration STORE_WAIT = Duration.ofSeconds(10);

  private static final String RETRY_AFTER_SECONDS = "5";
  private static final long MAX_JSON_BYTES = 1 << 20;
  private static final long MAX_SWALLOW_BYTES = 8L << 20;
  private static final int ZIP_BATCH = 16;
  private static final int MAX_FILENAME_CHARS = 255;
  // Threads beyond the workers and the queue, which answer the requests refused with 429.
  private static final int REFUSING_THREADS = 4;
  private static final String STATUS = "cyclegan.status";
  private static final String TRACE = "cyclegan.trace";

  /** Every operation of the API with the scope it needs; requests are dispatched only by these. */
  static final List<Endpoint> ENDPOINTS =
      List.of(
          new Endpoint("GET", "/datasets", Scope.READ),
          new Endpoint("POST", "/datasets/{dataset}/{domain}", Scope.UPLOAD),
          new Endpoint("POST", "/translate", Scope.TRANSLATE),
          new Endpoint("GET", "/results/{requestId}", Scope.READ),
          new Endpoint("GET", "/results/{requestId}/output.png", Scope.READ),
          new Endpoint("POST", "/jobs", Scope.TRAIN),
          new Endpoint("GET", "/jobs/{jobId}", Scope.READ),
          new Endpoint("POST", "/jobs/{jobId}/cancel", Scope.TRAIN),
          new Endpoint("GET", "/models", Scope.READ),
          // Publishing a version of a model, imported or trained, needs the train scope.
          new Endpoint("PUT", "/models/{model}/imports/{importId}/{direction}", Scope.TRAIN),
          new Endpoint("POST", "/models/{model}/imports/{importId}", Scope.TRAIN));

  @FunctionalInterface
  private interface Handler {
    void handle(HttpExchange ex, Map<String, String> params, String principal) throws IOException;
  }

  private record Operation(Endpoint endpoint, Handler handler) {}

  private static final Set<String> JOB_FIELDS =
      Set.of("jobId", "model", "dataset", "params", "initFrom");

  private final HttpServer server;
  private final ExecutorService executor;
  private final IngestProcessor processor;
  private final ObjectStore store;
  private final Catalog catalog;
  private final KafkaProducer<byte[], byte[]> producer;
  private final Topics topics;
  private final long maxUploadBytes;
  private final ZipImport zipImport;
  private final String eventSource;
  private final ApiAuth auth;
  private final FrontDoor frontDoor;
  private final Admission admission;
  private final ScheduledExecutorService timer;
  private final RequestMetrics metrics;
  private final List<Operation> operations;
  private final ModelImportResource modelImports;
  private boolean started;

  /**
   * Binds the port; requests are served from {@link #start()} on.
   *
   * @param store for the API's own reads, with a short retry budget (a person is waiting)
   * @param port 0 for any free port
   * @param maxUploadBytes the largest request body ({@code CYCLEGAN_MAX_UPLOAD_BYTES})
   * @param maxImageBytes the largest image, for zip entries
   * @param maxBatchDecodedBytes the most decoded image bytes one zip batch holds
   * @param auth who may call, with which scopes
   * @param frontDoor workers, queue and read timeout
   * @param registry for {@code cyclegan_http_requests_total}
   * @param modelImports serves {@code /models/{name}/imports/...}
   * @throws UncheckedIOException naming the port and its variable when it cannot be bound
   */
  public HttpApi(
      String bindAddress,
      int port,
      IngestProcessor processor,
      ObjectStore store,
      KafkaProducer<byte[], byte[]> producer,
      Topics topics,
      long maxUploadBytes,
      long maxImageBytes,
      long maxBatchDecodedBytes,
      String eventSource,
      ApiAuth auth,
      FrontDoor frontDoor,
      MeterRegistry registry,
      ModelImportResource modelImports) {
    this.processor = processor;
    this.store = store;
    this.catalog = new Catalog(store);
    this.producer = producer;
    this.topics = topics;
    this.maxUploadBytes = maxUploadBytes;
    // Images barely compress, so a real archive expands to little more than its own size.
    this.zipImport =
        new ZipImport(
            processor,
            maxImageBytes,
            4 * maxUploadBytes,
            ZIP_BATCH,
            maxBatchDecodedBytes,
            STORE_WAIT,
            SEND_TIMEOUT);
    this.eventSource = eventSource;
    this.auth = auth;
    this.frontDoor = frontDoor;
    this.admission = new Admission(frontDoor.workers(), frontDoor.queue(), frontDoor.queueWait());
    this.metrics = new RequestMetrics(registry);
    this.operations = ENDPOINTS.stream().map(e -> new Operation(e, handler(e))).toList();
    this.modelImports = modelImports;
    try {
      this.server = HttpServers.create(new InetSocketAddress(bindAddress, port));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot listen on "
              + bindAddress
              + ":"
              + port
              + " (CYCLEGAN_HTTP_PORT): "
              + e.getMessage(),
          e);
    }
    AtomicInteger n = new AtomicInteger();
    // Workers, the queue and the refusers each hold a thread; admission (not this pool) bounds
    // work.
    this.executor =
        Executors.newFixedThreadPool(
            frontDoor.workers() + frontDoor.queue() + REFUSING_THREADS,
            r -> {
              Thread t = new Thread(r, "ingest-http-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "ingest-http-deadlines");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
  }

  /** Starts serving requests. */
  public synchronized void start() {
    started = true;
    server.start();
    log.info("HTTP API on port {}", port());
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private Handler handler(Endpoint e) {
    return switch (e.template()) {
      case "/datasets" -> (ex, p, who) -> json(ex, 200, Map.of("datasets", catalog.datasets()));
      case "/datasets/{dataset}/{domain}" ->
          (ex, p, who) -> uploadToDataset(ex, p.get("dataset"), p.get("domain"));
      case "/translate" -> (ex, p, who) -> translate(ex);
      case "/results/{requestId}" -> (ex, p, who) -> result(ex, p.get("requestId"));
      case "/results/{requestId}/output.png" -> (ex, p, who) -> output(ex, p.get("requestId"));
      case "/jobs" -> (ex, p, who) -> startJob(ex, who);
      case "/jobs/{jobId}" -> (ex, p, who) -> jobState(ex, p.get("jobId"));
      case "/jobs/{jobId}/cancel" -> (ex, p, who) -> cancelJob(ex, p.get("jobId"), who);
      case "/models" -> (ex, p, who) -> json(ex, 200, Map.of("models", catalog.models()));
      case "/models/{model}/imports/{importId}/{direction}", "/models/{model}/imports/{importId}" ->
          (ex, p, who) -> modelImports.handle(ex, segments(ex.getRequestURI().getRawPath()), who);
      default -> throw new IllegalStateException("no handler for " + e.template());
    };
  }

  private void handle(HttpExchange ex) {
    String route = RequestMetrics.UNMATCHED;
    // The caller's traceparent (untrusted: replaced when malformed, never refused), answered back
    // and in every log line of the request; an upload carries it on to its records.
    TraceContext trace =
        TraceContext.parseOrCreate(ex.getRequestHeaders().getFirst(TraceContext.HEADER));
    ex.setAttribute(TRACE, trace);
    ex.getResponseHeaders().set(TraceContext.HEADER, trace.header());
    MDC.put(TraceContext.MDC_KEY, trace.traceId());
    try {
      try {
        List<String> path = segments(ex.getRequestURI().getRawPath());
        List<Operation> matching =
            operations.stream().filter(r -> r.endpoint().match(path).isPresent()).toList();
        if (!matching.isEmpty()) {
          route = matching.get(0).endpoint().template();
        }
        // Before anything else: an unauthenticated caller learns not even which paths exist.
        Caller caller = auth.authenticate(ex.getRequestHeaders().getFirst("Authorization"));
        Operation target = select(ex, matching);
        Endpoint endpoint = target.endpoint();
        route = endpoint.template();
        if (!caller.may(endpoint.scope())) {
          throw new ApiException(
              403,
              "INSUFFICIENT_SCOPE",
              ex.getRequestMethod()
                  + " "
                  + endpoint.template()
                  + " needs the scope '"
                  + endpoint.scope().label()
                  + "', which this token does not have");
        }
        serve(ex, target, endpoint.match(path).orElseThrow(), JobPrincipal.of(auth, caller));
      } catch (AuthException e) {
        ex.getResponseHeaders()
            .set(
                "WWW-Authenticate",
                e.reason().equals("MISSING_TOKEN")
                    ? "Bearer realm=\"cyclegan\""
                    : "Bearer realm=\"cyclegan\", error=\"invalid_token\"");
        error(ex, 401, e.reason(), e.getMessage());
      } catch (ApiException e) {
        error(ex, e.status(), e.reason(), e.getMessage());
      } catch (OidcAuthenticator.IdentityProviderUnavailableException e) {
        unavailable(ex, e, "the identity provider is unavailable");
      } catch (StoreUnavailableException e) {
        unavailable(ex, e, "the object store is unavailable");
      } catch (BatchResult.OutputNotDurableException e) {
        unavailable(ex, e, "Kafka did not acknowledge the request in time");
      } catch (StoreException e) {
        log.error("{} {} failed", ex.getRequestMethod(), ex.getRequestURI().getRawPath(), e);
        error(ex, 500, "STORE_ERROR", "the object store refused the request");
      } catch (RuntimeException e) {
        if (Faults.isTransient(e)) {
          unavailable(ex, e, "a service the API depends on is unavailable");
          return;
        }
        log.error("{} {} failed", ex.getRequestMethod(), ex.getRequestURI().getRawPath(), e);
        error(ex, 500, "INTERNAL", "internal error: " + e.getClass().getSimpleName());
      }
    } catch (ReadDeadline.TimeoutException e) {
      ex.setAttribute(STATUS, 408);
      log.info(
          "{} {}: the body did not arrive within {}, connection closed",
          ex.getRequestMethod(),
          ex.getRequestURI().getRawPath(),
          frontDoor.readTimeout());
    } catch (IOException e) {
      log.debug("client went away: {}", e.toString());
    } finally {
      MDC.remove("requestId");
      MDC.remove(TraceContext.MDC_KEY);
      metrics.count(route, (Integer) ex.getAttribute(STATUS));
      ex.close();
    }
  }

  /** The route for the request's method among those matching its path: else 404 or 405. */
  private static Operation select(HttpExchange ex, List<Operation> matching) {
    if (matching.isEmpty()) {
      throw notFound(ex);
    }
    return matching.stream()
        .filter(r -> r.endpoint().method().equals(ex.getRequestMethod()))
        .findFirst()
        .orElseGet(
            () -> {
              String allowed = matching.get(0).endpoint().method();
              method(ex, allowed);
              return matching.get(0);
            });
  }

  /** Runs the handler once a worker is free; 429 with a Retry-After when the queue is full. */
  private void serve(
      HttpExchange ex, Operation operation, Map<String, String> params, String principal)
      throws IOException {
    Optional<Admission.Permit> permit;
    try {
      permit = admission.enter();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a worker", e);
    }
    if (permit.isEmpty()) {
      ex.getResponseHeaders().set("Retry-After", RETRY_AFTER_SECONDS);
      // The body is left unread: the connection cannot be reused.
      ex.getResponseHeaders().set("Connection", "close");
      throw new ApiException(
          429, "TOO_MANY_REQUESTS", "the API is busy; try again in a few seconds");
    }
    try (Admission.Permit p = permit.get()) {
      operation.handler().handle(ex, params, principal);
    }
  }

  /** The request's trace context: the hook by which an upload's records join its trace. */
  private static TraceContext trace(HttpExchange ex) {
    return (TraceContext) ex.getAttribute(TRACE);
  }

  /** 503 with a message safe to show: the details (hosts, keys) go to the log only. */
  private static void unavailable(HttpExchange ex, RuntimeException e, String what)
      throws IOException {
    log.warn("{} {}: {}", ex.getRequestMethod(), ex.getRequestURI().getRawPath(), e.toString());
    ex.getResponseHeaders().set("Retry-After", RETRY_AFTER_SECONDS);
    error(ex, 503, "UNAVAILABLE", what + "; try again in a few seconds");
  }

  // POST /datasets/{name}/{A|B}: one image, or a zip of images.
  private void uploadToDataset(HttpExchange ex, String dataset, String domain) throws IOException {
    Map<String, String> headers = new HashMap<>();
    headers.put(Headers.PURPOSE, Headers.PURPOSE_DATASET);
    headers.put(Headers.DATASET, dataset);
    headers.put(Headers.DOMAIN, domain);
    headers.put(TraceContext.HEADER, trace(ex).header());
    String contentType = contentType(ex);
    if (isZip(contentType)) {
      Route.Dataset route;
      try {
        route = processor.parser().dataset(IngestInput.fromHttp(headers, new byte[0]));
      } catch (RejectedInputException e) {
        throw ApiException.of(e);
      }
      byte[] body = body(ex, maxUploadBytes);
      json(ex, 200, zipImport.run(body, route));
      return;
    }
    declared(ex, contentType).forEach(headers::put);
    Outcome outcome = ingestOne(headers, body(ex, maxUploadBytes));
    Outcome.Stored s = (Outcome.Stored) outcome;
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("dataset", s.route().dataset());
    out.put("domain", s.route().domain());
    out.put("key", s.key());
    out.put("sha256", s.sha256());
    out.put("width", s.width());
    out.put("height", s.height());
    out.put("duplicate", s.duplicate());
    out.put("counts", s.counts());
    json(ex, s.duplicate() ? 200 : 201, out);
  }

  // POST /translate?model=M&direction=AtoB[&version=V][&requestId=R]
  private void translate(HttpExchange ex) throws IOException {
    Map<String, String> query = query(ex);
    String requestId = query.getOrDefault("requestId", UUID.randomUUID().toString());
    // Validated before it reaches the logging context: a raw value could forge log lines.
    requestId(requestId);
    MDC.put("requestId", requestId);
    Map<String, String> headers = new HashMap<>();
    headers.put(Headers.PURPOSE, Headers.PURPOSE_TRANSLATE);
    headers.put(Headers.REQUEST_ID, requestId);
    headers.put(TraceContext.HEADER, trace(ex).header());
    putIfPresent(headers, Headers.MODEL, query.get("model"));
    putIfPresent(headers, Headers.DIRECTION, query.get("direction"));
    putIfPresent(headers, Headers.MODEL_VERSION, query.get("version"));
    declared(ex, contentType(ex)).forEach(headers::put);
    Outcome.Submitted s = (Outcome.Submitted) ingestOne(headers, body(ex, maxUploadBytes));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("requestId", s.route().requestId());
    out.put("status", "accepted");
    out.put("model", s.route().model());
    out.put("direction", s.route().direction());
    out.put("inputKey", s.inputKey());
    out.put("result", "/results/" + s.route().requestId());
    json(ex, 202, out);
  }

  /** Runs one upload through the processor; a refusal becomes the matching HTTP error. */
  private Outcome ingestOne(Map<String, String> headers, byte[] body) {
    BatchResult result =
        processor
            .process(IngestInput.fromHttp(headers, body), Instant.now().plus(STORE_WAIT))
            .awaitDurable(SEND_TIMEOUT);
    Outcome outcome = result.outcomes().get(0);
    if (outcome instanceof Outcome.Rejected r) {
      throw ApiException.of(r.error());
    }
    return outcome;
  }

  // GET /results/{id}: the result document, else pending. Not 404 for an unknown id: a request
  // sent over Kafka is unknown here until ingest has read it, and its caller should keep waiting.
  private void result(HttpExchange ex, String requestId) throws IOException {
    requestId(requestId);
    Optional<byte[]> doc = store.get(ObjectKeys.resultDocument(requestId));
    if (doc.isPresent()) {
      respond(ex, 200, "application/json", doc.get());
    } else {
      json(ex, 200, fields("requestId", requestId, "status", "pending"));
    }
  }

  // GET /results/{id}/output.png
  private void output(HttpExchange ex, String requestId) throws IOException {
    requestId(requestId);
    byte[] png =
        store
            .get(ObjectKeys.resultOutput(requestId))
            .orElseThrow(
                () ->
                    ApiException.notFound(
                        "no output for request '"
                            + requestId
                            + "' (yet): see /results/"
                            + requestId));
    respond(ex, 200, "image/png", png);
  }

  // POST /jobs {"jobId","model","dataset","params","initFrom"}: publishes the same command as the
  // topic. initFrom is {"model","version"} as on the topic, or "MODEL[:VERSION]" as in the CLI.
  private void startJob(HttpExchange ex, String principal) throws IOException {
    JsonNode body = jsonBody(ex);
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!JOB_FIELDS.contains(field)) {
        throw ApiException.badRequest(
            "UNKNOWN_FIELD", "unknown field '" + field + "', expected some of " + JOB_FIELDS);
      }
    }
    String jobId = text(body, "jobId");
    if (jobId == null) {
      jobId = "job-" + UUID.randomUUID();
    }
    name("job id", jobId, "INVALID_JOB_ID");
    String model = name("model", required(body, "model"), "INVALID_MODEL");
    String dataset = name("dataset", required(body, "dataset"), "INVALID_DATASET");
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
        principal);
    log.info("training job {} requested: model {} on dataset {}", jobId, model, dataset);
    json(ex, 202, fields("jobId", jobId, "status", "submitted", "state", "/jobs/" + jobId));
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
    name("initFrom model", from.model(), "INVALID_INIT_FROM");
    if (from.version() != null) {
      name("initFrom version", from.version(), "INVALID_INIT_FROM");
    }
    return from;
  }

  // POST /jobs/{id}/cancel
  private void cancelJob(HttpExchange ex, String jobId, String principal) throws IOException {
    name("job id", jobId, "INVALID_JOB_ID");
    publish(jobId, TrainingCommand.cancel(jobId), principal);
    log.info("training job {}: cancel requested", jobId);
    json(ex, 202, fields("jobId", jobId, "status", "cancel requested"));
  }

  // GET /jobs/{id}: the training worker's durable state document, as it wrote it.
  private void jobState(HttpExchange ex, String jobId) throws IOException {
    name("job id", jobId, "INVALID_JOB_ID");
    byte[] state =
        store
            .get(ObjectKeys.jobState(jobId))
            .orElseThrow(() -> ApiException.notFound("no job '" + jobId + "'"));
    respond(ex, 200, "application/json", state);
  }

  private void publish(String jobId, TrainingCommand command, String principal) {
    try {
      producer
          .send(
              JobPrincipal.add(
                  CloudEvents.record(topics.trainingCommands(), jobId, command, eventSource),
                  principal))
          .get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new BatchResult.OutputNotDurableException(
          "the training command was not acknowledged: " + e.getMessage(), e);
    }
  }

  private static void requestId(String id) {
    if (!Names.isValidRequestId(id)) {
      try {
        Names.requireRequestId(id);
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("INVALID_REQUEST_ID", e.getMessage());
      }
    }
  }

  private static String name(String kind, String value, String reason) {
    try {
      return Names.require(kind, value);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(reason, e.getMessage());
    }
  }

  private static String required(JsonNode body, String field) {
    String v = text(body, field);
    if (v == null) {
      throw ApiException.badRequest("MISSING_FIELD", "missing required field '" + field + "'");
    }
    return v;
  }

  private static String text(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw ApiException.badRequest("INVALID_FIELD", "field '" + field + "' must be a string");
    }
    return v.asText();
  }

  private JsonNode jsonBody(HttpExchange ex) throws IOException {
    byte[] bytes = body(ex, MAX_JSON_BYTES);
    JsonNode node;
    try {
      node = JSON.readTree(bytes);
    } catch (IOException e) {
      throw ApiException.badRequest(
          "INVALID_JSON", "the body is not valid JSON: " + e.getMessage());
    }
    if (node == null || !node.isObject()) {
      throw ApiException.badRequest("INVALID_JSON", "the body must be a JSON object");
    }
    return node;
  }

  /**
   * The request body, refused with 413 as soon as it is known to exceed {@code limit}: from the
   * Content-Length when given, else while reading, so no more than {@code limit + 1} bytes are ever
   * held. The rest of an over-long body is read and dropped (up to {@link #MAX_SWALLOW_BYTES}, as
   * Tomcat does) before answering: a server that closes with unread bytes sends a TCP reset, and
   * the client would lose the 413. All of it, the dropped bytes too, must arrive within the read
   * timeout, else the connection is closed ({@link ReadDeadline}).
   */
  private byte[] body(HttpExchange ex, long limit) throws IOException {
    String length = ex.getRequestHeaders().getFirst("Content-Length");
    try (InputStream in = ex.getRequestBody();
        ReadDeadline deadline = new ReadDeadline(timer, frontDoor.readTimeout())) {
      if (length != null) {
        long declared;
        try {
          declared = Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
          throw ApiException.badRequest("BAD_CONTENT_LENGTH", "Content-Length is not a number");
        }
        if (declared > limit) {
          swallow(ex, in, deadline);
          throw tooLarge(declared + " bytes", limit);
        }
      }
      int cap = (int) Math.min(Integer.MAX_VALUE - 8, limit + 1);
      ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(cap, 64 * 1024));
      byte[] buf = new byte[64 * 1024];
      int n;
      while (out.size() < cap
          && (n = deadline.read(in, buf, 0, Math.min(buf.length, cap - out.size()))) >= 0) {
        out.write(buf, 0, n);
      }
      if (out.size() > limit) {
        swallow(ex, in, deadline);
        throw tooLarge("more than " + limit + " bytes", limit);
      }
      return out.toByteArray();
    }
  }

  private static void swallow(HttpExchange ex, InputStream in, ReadDeadline deadline)
      throws IOException {
    long skipped = 0;
    byte[] buf = new byte[64 * 1024];
    int n;
    while (skipped < MAX_SWALLOW_BYTES && (n = deadline.read(in, buf, 0, buf.length)) > 0) {
      skipped += n;
    }
    ex.getResponseHeaders().set("Connection", "close");
  }

  private static ApiException tooLarge(String size, long limit) {
    return new ApiException(
        413,
        "BODY_TOO_LARGE",
        "request body of " + size + " is over the limit of " + limit + " bytes");
  }

  /** What the upload declares: {@code ?filename=} and the Content-Type (when not generic). */
  private static Map<String, String> declared(HttpExchange ex, String contentType) {
    Map<String, String> out = new HashMap<>();
    String filename = query(ex).get("filename");
    if (filename != null) {
      if (filename.length() > MAX_FILENAME_CHARS
          || filename
              .chars()
              .anyMatch(c -> Character.isISOControl(c) || c == 0x2028 || c == 0x2029)) {
        throw ApiException.badRequest(
            "INVALID_FILENAME",
            "query parameter 'filename' must be at most "
                + MAX_FILENAME_CHARS
                + " characters without control characters or line breaks");
      }
      out.put(Headers.FILENAME, filename);
    }
    if (contentType != null && contentType.startsWith("image/")) {
      out.put(Headers.CONTENT_TYPE, contentType);
    }
    return out;
  }

  private static String contentType(HttpExchange ex) {
    String ct = ex.getRequestHeaders().getFirst("Content-Type");
    if (ct == null) {
      return null;
    }
    int semi = ct.indexOf(';');
    return (semi < 0 ? ct : ct.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
  }

  private static boolean isZip(String contentType) {
    return "application/zip".equals(contentType)
        || "application/x-zip-compressed".equals(contentType);
  }

  private static void putIfPresent(Map<String, String> map, String key, String value) {
    if (value != null && !value.isBlank()) {
      map.put(key, value);
    }
  }

  private static Map<String, String> query(HttpExchange ex) {
    Map<String, String> out = new HashMap<>();
    String raw = ex.getRequestURI().getRawQuery();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      try {
        out.putIfAbsent(
            URLDecoder.decode(k, StandardCharsets.UTF_8),
            URLDecoder.decode(v, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("BAD_QUERY", "malformed query parameter '" + pair + "'");
      }
    }
    return out;
  }

  private static List<String> segments(String rawPath) {
    List<String> out = new ArrayList<>();
    Arrays.stream(rawPath.split("/")).filter(s -> !s.isEmpty()).forEach(out::add);
    return out;
  }

  private static void method(HttpExchange ex, String expected) {
    if (!expected.equals(ex.getRequestMethod())) {
      ex.getResponseHeaders().set("Allow", expected);
      throw new ApiException(
          405,
          "METHOD_NOT_ALLOWED",
          ex.getRequestMethod()
              + " is not allowed on "
              + ex.getRequestURI().getRawPath()
              + ", use "
              + expected);
    }
  }

  private static ApiException notFound(HttpExchange ex) {
    return ApiException.notFound("no such resource: " + ex.getRequestURI().getRawPath());
  }

  /**
   * An RFC 9457 problem document: {@code type} names the reason, {@code title} the status, {@code
   * detail} what went wrong; {@code reason} is the machine-readable code and {@code error} repeats
   * the detail for clients of the earlier format.
   */
  private static void error(HttpExchange ex, int status, String reason, String message)
      throws IOException {
    ObjectNode body = JSON.createObjectNode();
    body.put("type", "urn:cyclegan:problem:" + reason.toLowerCase(Locale.ROOT).replace('_', '-'));
    body.put("title", title(status));
    body.put("status", status);
    body.put("detail", message);
    body.put("reason", reason);
    body.put("error", message);
    respond(ex, status, "application/problem+json", JSON.writeValueAsBytes(body));
  }

  private static String title(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 413 -> "Content Too Large";
      case 415 -> "Unsupported Media Type";
      case 429 -> "Too Many Requests";
      case 503 -> "Service Unavailable";
      default -> status >= 500 ? "Internal Server Error" : "Error";
    };
  }

  /** A JSON object whose fields keep the given order (names and values alternating). */
  private static Map<String, Object> fields(Object... namesAndValues) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      out.put((String) namesAndValues[i], namesAndValues[i + 1]);
    }
    return out;
  }

  /** Answers JSON, recording the status for the request metrics; for the resources too. */
  static void json(HttpExchange ex, int status, Object body) throws IOException {
    respond(ex, status, "application/json", JSON.writeValueAsBytes(body));
  }

  private static void respond(HttpExchange ex, int status, String contentType, byte[] body)
      throws IOException {
    ex.getResponseHeaders().set("Content-Type", contentType);
    ex.setAttribute(STATUS, status);
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  /** Stops accepting requests and gives those in progress up to two seconds to finish. */
  @Override
  public synchronized void close() {
    // A server never started has no request to wait for (stop would wait the whole delay).
    server.stop(started ? 2 : 0);
    timer.shutdownNow();
    executor.shutdown();
    try {
      if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      executor.shutdownNow();
    }
  }
}
