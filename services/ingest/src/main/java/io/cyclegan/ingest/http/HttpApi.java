package io.cyclegan.ingest.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cyclegan.common.fault.Faults;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.messages.Topics;
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
import io.cyclegan.ingest.routing.IngestProcessor;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The HTTP API (docs/http-api.md) on Javalin (Jetty 12). This class is the server: it authenticates
 * every request, checks its scope against {@link #ENDPOINTS}, answers every error as an RFC 9457
 * problem document ({@link Problems}) and times every request ({@link RequestMetrics}); the
 * operations live in one resource class each ({@link DatasetsResource}, {@link
 * TranslationsResource}, {@link JobsResource}, {@link ModelsResource}, {@link ModelImportResource},
 * {@link OpenApiResource}).
 *
 * <p>Every request is authenticated ({@link ApiAuth}) before anything else, so an unauthenticated
 * caller learns nothing, not even which paths exist; then its {@link Endpoint}'s scope is checked,
 * then it waits in the bounded queue ({@link Admission}) for a worker, and only then is its body
 * read, within the read timeout ({@link ReadDeadline}) and the size limit.
 *
 * <p>A store or broker fault is never the caller's fault: it is a 503 {@code UNAVAILABLE} with a
 * {@code Retry-After}, and its message names no host, endpoint or bucket (the details are logged).
 * A store that refuses a call for good is a 500.
 */
public final class HttpApi implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HttpApi.class);
  private static final ObjectMapper JSON = MessageCodec.mapper();

  static final String RETRY_AFTER_SECONDS = "5";
  // Threads beyond the workers, the queue and the streams: Jetty's selector and acceptor, and
  // those that answer the requests refused with 429.
  private static final int SPARE_THREADS = 8;

  /** Server-Sent Events streams open at once; each holds a thread while it lasts. */
  static final int MAX_STREAMS = 32;

  static final String ROUTE = "cyclegan.route";
  private static final String TRACE = "cyclegan.trace";
  static final String STATUS = "cyclegan.status";

  /**
   * Every operation of the API with the scope it needs; requests are dispatched only by these, and
   * docs/openapi.json documents exactly these ({@code OpenApiDocumentTest}).
   */
  static final List<Endpoint> ENDPOINTS =
      List.of(
          new Endpoint("GET", "/datasets", Scope.READ),
          new Endpoint("GET", "/datasets/{dataset}/{domain}", Scope.READ),
          new Endpoint("POST", "/datasets/{dataset}/{domain}", Scope.UPLOAD),
          new Endpoint("POST", "/translate", Scope.TRANSLATE),
          new Endpoint("GET", "/results/{requestId}", Scope.READ),
          new Endpoint("GET", "/results/{requestId}/output.png", Scope.READ),
          new Endpoint("GET", "/results/{requestId}/output.jpg", Scope.READ),
          new Endpoint("GET", "/results/{requestId}/events", Scope.READ),
          new Endpoint("GET", "/jobs", Scope.READ),
          new Endpoint("POST", "/jobs", Scope.TRAIN),
          new Endpoint("GET", "/jobs/{jobId}", Scope.READ),
          new Endpoint("GET", "/jobs/{jobId}/events", Scope.READ),
          new Endpoint("POST", "/jobs/{jobId}/cancel", Scope.TRAIN),
          new Endpoint("GET", "/training/queue", Scope.READ),
          new Endpoint("GET", "/models", Scope.READ),
          new Endpoint("GET", "/models/{model}", Scope.READ),
          new Endpoint("GET", "/models/{model}/versions/{version}/export", Scope.READ),
          // Publishing a version of a model, imported or trained, needs the train scope.
          new Endpoint("PUT", "/models/{model}/imports/{importId}/{direction}", Scope.TRAIN),
          new Endpoint("POST", "/models/{model}/imports/{importId}", Scope.TRAIN),
          new Endpoint("GET", "/openapi.json", Scope.READ),
          // Dead letters hold keys and error messages of any tenant's records: operators only.
          new Endpoint("GET", "/dead-letters/{topic}", Scope.ADMIN),
          // Replaying writes onto a pipeline topic on the operator's word: operators only.
          new Endpoint("POST", "/dead-letters/{topic}/replay", Scope.ADMIN));

  private final Javalin app;
  private final ServerSocketChannel channel;
  private final int port;
  private final ApiAuth auth;
  private final FrontDoor frontDoor;
  private final ScheduledExecutorService timer;
  private final RequestMetrics metrics;
  private final DeadLettersResource deadLetters;
  private boolean started;

  /**
   * Builds the server; the port is bound and requests are served from {@link #start()} on.
   *
   * @param store for the API's own reads, with a short retry budget (a person is waiting)
   * @param port 0 for any free port
   * @param maxUploadBytes the largest request body ({@code CYCLEGAN_MAX_UPLOAD_BYTES})
   * @param maxImageBytes the largest image, for zip entries
   * @param maxBatchDecodedBytes the most decoded image bytes one zip batch holds
   * @param auth who may call, with which scopes
   * @param frontDoor workers, queue and timeouts
   * @param registry for {@code http_server_requests_seconds} and {@code
   *     cyclegan_http_requests_total}
   * @param modelImports serves {@code /models/{name}/imports/...}
   * @param deadLetters serves {@code /dead-letters/{topic}} and its replay; closed with the API
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
      ModelImportResource modelImports,
      DeadLettersResource deadLetters) {
    this.auth = auth;
    this.deadLetters = deadLetters;
    this.frontDoor = frontDoor;
    this.metrics = new RequestMetrics(registry);
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "ingest-http-deadlines");
              t.setDaemon(true);
              return t;
            });
    Bodies bodies = new Bodies(timer, frontDoor.readTimeout());
    Admission admission =
        new Admission(frontDoor.workers(), frontDoor.queue(), frontDoor.queueWait());
    Admission streams = new Admission(MAX_STREAMS, 0, frontDoor.queueWait());
    deadLetters.bodies(bodies);
    Catalog catalog = new Catalog(store);
    EventStreams events = new EventStreams(store);
    List<Resource> resources =
        List.of(
            new DatasetsResource(
                processor,
                store,
                catalog,
                bodies,
                maxUploadBytes,
                maxImageBytes,
                maxBatchDecodedBytes,
                frontDoor.requestTimeout()),
            new TranslationsResource(
                processor, store, bodies, events, maxUploadBytes, frontDoor.requestTimeout()),
            new JobsResource(
                store, producer, topics, eventSource, bodies, events, frontDoor.requestTimeout()),
            new ModelsResource(catalog),
            new ModelExportResource(store),
            modelImports,
            new OpenApiResource(),
            deadLetters);
    int threads = frontDoor.workers() + frontDoor.queue() + MAX_STREAMS + SPARE_THREADS;
    // Bound here, so that a port in use fails the service's constructor (the lifecycle of every
    // service) and port() is known before start(); Jetty accepts on it from start() on.
    this.channel = bind(bindAddress, port);
    this.port = ((InetSocketAddress) channelAddress(channel)).getPort();
    QueuedThreadPool pool = new QueuedThreadPool(threads, Math.min(threads, 8));
    pool.setName("ingest-http");
    pool.setDaemon(true);
    this.app =
        Javalin.create(
            config -> {
              config.startup.showJavalinBanner = false;
              config.startup.showOldJavalinVersionWarning = false;
              config.jetty.threadPool = pool;
              config.jetty.addConnector(
                  (server, http) -> {
                    ServerConnector connector =
                        new ServerConnector(server, new HttpConnectionFactory(http));
                    connector.setIdleTimeout(frontDoor.idleTimeout().toMillis());
                    try {
                      connector.open(channel);
                    } catch (IOException e) {
                      throw new UncheckedIOException(e);
                    }
                    return connector;
                  });
              config.jetty.modifyServer(
                  server -> server.setErrorHandler(new ProblemErrorHandler()));
              config.jetty.modifyHttpConfiguration(
                  http -> {
                    http.setIdleTimeout(frontDoor.idleTimeout().toMillis());
                    http.setSendServerVersion(false);
                  });
              config.http.prefer405over404 = true;
              config.requestLogger.http((ctx, ms) -> record(ctx, ms));
              config.routes.before(this::gate);
              Routes routes = new Routes(config.routes, admission, streams);
              resources.forEach(r -> r.register(routes));
              if (!routes.missing().isEmpty()) {
                throw new IllegalStateException("endpoints without a handler: " + routes.missing());
              }
              config.routes.exception(Exception.class, this::problem);
            });
  }

  private static ServerSocketChannel bind(String bindAddress, int port) {
    ServerSocketChannel channel = null;
    try {
      channel = ServerSocketChannel.open();
      channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      channel.bind(new InetSocketAddress(bindAddress, port));
      return channel;
    } catch (IOException e) {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw new UncheckedIOException(
          "cannot listen on "
              + bindAddress
              + ":"
              + port
              + " (CYCLEGAN_HTTP_PORT): "
              + e.getMessage(),
          e);
    }
  }

  private static java.net.SocketAddress channelAddress(ServerSocketChannel channel) {
    try {
      return channel.getLocalAddress();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts serving requests. */
  public synchronized void start() {
    app.start();
    started = true;
    log.info("HTTP API on port {}", port);
  }

  public int port() {
    return port;
  }

  /**
   * Before any route: authenticates (an unauthenticated caller learns not even which paths exist),
   * then finds the endpoint (404, 405 with {@code Allow}) and checks its scope (403).
   */
  private void gate(Context ctx) {
    // The caller's traceparent (untrusted: replaced when malformed, never refused), answered back
    // and in every log line of the request; an upload carries it on to its records.
    TraceContext trace = TraceContext.parseOrCreate(ctx.header(TraceContext.HEADER));
    ctx.attribute(TRACE, trace);
    ctx.header(TraceContext.HEADER, trace.header());
    MDC.put(TraceContext.MDC_KEY, trace.traceId());
    List<String> path = segments(ctx.req().getRequestURI());
    List<Endpoint> matching = ENDPOINTS.stream().filter(e -> e.match(path).isPresent()).toList();
    if (!matching.isEmpty()) {
      ctx.attribute(ROUTE, matching.get(0).template());
    }
    Caller caller = auth.authenticate(ctx.header("Authorization"));
    if (matching.isEmpty()) {
      throw ApiException.notFound("no such resource: " + ctx.path());
    }
    String method = ctx.method().name();
    Endpoint endpoint =
        matching.stream()
            .filter(e -> e.method().equals(method))
            .findFirst()
            .orElseThrow(
                () -> {
                  String allowed =
                      matching.stream()
                          .map(Endpoint::method)
                          .distinct()
                          .sorted()
                          .collect(Collectors.joining(", "));
                  ctx.header("Allow", allowed);
                  return new ApiException(
                      405,
                      "METHOD_NOT_ALLOWED",
                      method + " is not allowed on " + ctx.path() + ", use " + allowed);
                });
    ctx.attribute(ROUTE, endpoint.template());
    if (!caller.may(endpoint.scope())) {
      throw new ApiException(
          403,
          "INSUFFICIENT_SCOPE",
          method
              + " "
              + endpoint.template()
              + " needs the scope '"
              + endpoint.scope().label()
              + "', which this token does not have");
    }
    ctx.attribute(Routes.PRINCIPAL, JobPrincipal.of(auth, caller));
  }

  /** Every failure as a problem document; a fault of ours or of a dependency names no host. */
  private void problem(Exception e, Context ctx) {
    try {
      if (e instanceof AuthException a) {
        ctx.header(
            "WWW-Authenticate",
            a.reason().equals("MISSING_TOKEN")
                ? "Bearer realm=\"cyclegan\""
                : "Bearer realm=\"cyclegan\", error=\"invalid_token\"");
        error(ctx, 401, a.reason(), a.getMessage());
      } else if (e instanceof ApiException a) {
        error(ctx, a.status(), a.reason(), a.getMessage());
      } else if (e instanceof ReadDeadline.TimeoutException) {
        ctx.attribute(STATUS, 408);
        ctx.status(408);
        log.info(
            "{} {}: the body did not arrive within {}, connection closed",
            ctx.method(),
            ctx.path(),
            frontDoor.readTimeout());
      } else if (e instanceof IOException) {
        ctx.attribute(STATUS, 499);
        log.debug("client went away: {}", e.toString());
      } else if (e instanceof OidcAuthenticator.IdentityProviderUnavailableException u) {
        unavailable(ctx, u, "the identity provider is unavailable");
      } else if (e instanceof StoreUnavailableException u) {
        unavailable(ctx, u, "the object store is unavailable");
      } else if (e instanceof BatchResult.OutputNotDurableException u) {
        unavailable(ctx, u, "Kafka did not acknowledge the request in time");
      } else if (e instanceof StoreException) {
        log.error("{} {} failed", ctx.method(), ctx.path(), e);
        error(ctx, 500, "STORE_ERROR", "the object store refused the request");
      } else if (e instanceof RuntimeException r && Faults.isTransient(r)) {
        unavailable(ctx, r, "a service the API depends on is unavailable");
      } else {
        log.error("{} {} failed", ctx.method(), ctx.path(), e);
        error(ctx, 500, "INTERNAL", "internal error: " + e.getClass().getSimpleName());
      }
    } finally {
      MDC.remove("requestId");
      MDC.remove(TraceContext.MDC_KEY);
    }
  }

  /** 503 with a message safe to show: the details (hosts, keys) go to the log only. */
  private static void unavailable(Context ctx, RuntimeException e, String what) {
    log.warn("{} {}: {}", ctx.method(), ctx.path(), e.toString());
    ctx.header("Retry-After", RETRY_AFTER_SECONDS);
    error(ctx, 503, "UNAVAILABLE", what + "; try again in a few seconds");
  }

  private void record(Context ctx, Float ms) {
    MDC.remove("requestId");
    MDC.remove(TraceContext.MDC_KEY);
    String route = ctx.attribute(ROUTE);
    Integer forced = ctx.attribute(STATUS);
    int status = forced != null ? forced : ctx.status().getCode();
    metrics.record(
        ctx.method().name(),
        route == null ? RequestMetrics.UNMATCHED : route,
        status,
        (long) (ms * 1_000_000L));
  }

  /** The request's trace context: the hook by which an upload's records join its trace. */
  static TraceContext trace(Context ctx) {
    TraceContext trace = ctx.attribute(TRACE);
    return trace != null ? trace : TraceContext.create();
  }

  /** The problem document of an error ({@link Problems}). */
  static void error(Context ctx, int status, String reason, String message) {
    respond(ctx, status, Problems.CONTENT_TYPE, Problems.body(status, reason, message));
  }

  /** Answers JSON; for the resources too. */
  static void json(Context ctx, int status, Object body) {
    try {
      respond(ctx, status, "application/json", JSON.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise the answer", e);
    }
  }

  static void respond(Context ctx, int status, String contentType, byte[] body) {
    ctx.status(status);
    ctx.contentType(contentType);
    ctx.result(body);
  }

  static List<String> segments(String rawPath) {
    List<String> out = new ArrayList<>();
    Arrays.stream(rawPath.split("/")).filter(s -> !s.isEmpty()).forEach(out::add);
    return out;
  }

  /** Stops accepting requests and gives those in progress a moment to finish. */
  @Override
  public synchronized void close() {
    if (started) {
      app.stop();
    }
    try {
      channel.close();
    } catch (IOException e) {
      log.debug("closing the HTTP port: {}", e.toString());
    }
    timer.shutdownNow();
    deadLetters.close();
  }
}
