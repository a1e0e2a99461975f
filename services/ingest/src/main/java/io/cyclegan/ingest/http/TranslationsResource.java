package io.cyclegan.ingest.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cyclegan.common.messages.Headers;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.messages.OutputFormat;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.common.trace.TraceContext;
import io.cyclegan.ingest.routing.IngestProcessor;
import io.cyclegan.ingest.routing.Outcome;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.MDC;

/**
 * {@code /translate} and {@code /results/{requestId}}: a translation request goes through the same
 * processor as one on {@code cyclegan.translate.requests}; its result document and output image are
 * read from the store, or followed as Server-Sent Events until the result is written.
 */
final class TranslationsResource implements Resource {
  /** How {@code POST /translate} gives the routing headers, for its errors. */
  private static final Map<String, String> PARAMETERS =
      Map.of(
          Headers.MODEL, "query parameter 'model'",
          Headers.DIRECTION, "query parameter 'direction'",
          Headers.MODEL_VERSION, "query parameter 'version'",
          Headers.OUTPUT_FORMAT, "query parameter 'format'",
          Headers.REQUEST_ID, "query parameter 'requestId'");

  private final ObjectStore store;
  private final Bodies bodies;
  private final EventStreams events;
  private final long maxUploadBytes;
  private final Uploads uploads;

  TranslationsResource(
      IngestProcessor processor,
      ObjectStore store,
      Bodies bodies,
      EventStreams events,
      long maxUploadBytes,
      Duration requestTimeout) {
    this.store = store;
    this.bodies = bodies;
    this.events = events;
    this.maxUploadBytes = maxUploadBytes;
    this.uploads = new Uploads(processor, requestTimeout);
  }

  @Override
  public void register(Routes routes) {
    routes.on("POST", "/translate", this::translate);
    routes.on("GET", "/results/{requestId}", this::result);
    routes.on("GET", "/results/{requestId}/output.png", ctx -> output(ctx, OutputFormat.png));
    routes.on("GET", "/results/{requestId}/output.jpg", ctx -> output(ctx, OutputFormat.jpeg));
    routes.stream("/results/{requestId}/events", this::resultEvents);
  }

  // POST /translate?model=M&direction=AtoB[&version=V][&requestId=R][&format=png|jpeg]
  private void translate(Context ctx) throws IOException {
    String requestId =
        Optional.ofNullable(ctx.queryParam("requestId"))
            .orElseGet(() -> UUID.randomUUID().toString());
    // Validated before it reaches the logging context: a raw value could forge log lines.
    Params.requestId(requestId);
    MDC.put("requestId", requestId);
    Map<String, String> headers = new HashMap<>();
    headers.put(Headers.PURPOSE, Headers.PURPOSE_TRANSLATE);
    headers.put(Headers.REQUEST_ID, requestId);
    headers.put(TraceContext.HEADER, HttpApi.trace(ctx).header());
    putIfPresent(headers, Headers.MODEL, ctx.queryParam("model"));
    putIfPresent(headers, Headers.DIRECTION, ctx.queryParam("direction"));
    putIfPresent(headers, Headers.MODEL_VERSION, ctx.queryParam("version"));
    putIfPresent(headers, Headers.OUTPUT_FORMAT, ctx.queryParam("format"));
    Uploads.declared(ctx, Bodies.contentType(ctx)).forEach(headers::put);
    Outcome.Submitted s =
        (Outcome.Submitted)
            uploads.ingestOne(headers, bodies.read(ctx, maxUploadBytes), PARAMETERS);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("requestId", s.route().requestId());
    out.put("status", "accepted");
    out.put("model", s.route().model());
    out.put("direction", s.route().direction());
    out.put("outputFormat", s.route().outputFormat());
    out.put("inputKey", s.inputKey());
    out.put("result", "/results/" + s.route().requestId());
    ctx.header("Location", "/results/" + s.route().requestId());
    HttpApi.json(ctx, 202, out);
  }

  // GET /results/{id}: the result document, else pending. Not 404 for an unknown id: a request
  // sent over Kafka is unknown here until ingest has read it, and its caller should keep waiting.
  private void result(Context ctx) {
    String requestId = Params.requestId(ctx.pathParam("requestId"));
    Optional<byte[]> doc = store.get(ObjectKeys.resultDocument(requestId));
    if (doc.isPresent()) {
      HttpApi.respond(ctx, 200, "application/json", doc.get());
    } else {
      HttpApi.json(ctx, 200, pending(requestId));
    }
  }

  // GET /results/{id}/output.png, /results/{id}/output.jpg (a request with format=jpeg)
  private void output(Context ctx, OutputFormat format) {
    String requestId = Params.requestId(ctx.pathParam("requestId"));
    byte[] image =
        store
            .get(ObjectKeys.resultOutput(requestId, format))
            .orElseThrow(
                () ->
                    ApiException.notFound(
                        "no output for request '"
                            + requestId
                            + "' as "
                            + format.fileName()
                            + " (yet): see /results/"
                            + requestId));
    HttpApi.respond(ctx, 200, format.contentType(), image);
  }

  // GET /results/{id}/events: pending, then the result document, then end. 404 for a request
  // that has neither an input nor a result: a stream is for a request known to exist.
  private void resultEvents(Context ctx) throws IOException {
    String requestId = Params.requestId(ctx.pathParam("requestId"));
    String result = ObjectKeys.resultDocument(requestId);
    if (!store.exists(result)
        && store.listPage(ObjectKeys.requestPrefix(requestId), null, 1).items().isEmpty()) {
      throw ApiException.notFound(
          "no request '"
              + requestId
              + "' (yet): a request sent over Kafka is known once ingest"
              + " has read it; ask again, or poll /results/"
              + requestId);
    }
    events.follow(ctx, result, "result", pending(requestId), doc -> true);
  }

  private static ObjectNode pending(String requestId) {
    ObjectNode node = MessageCodec.mapper().createObjectNode();
    node.put("requestId", requestId);
    node.put("status", "pending");
    return node;
  }

  private static void putIfPresent(Map<String, String> map, String key, String value) {
    if (value != null && !value.isBlank()) {
      map.put(key, value);
    }
  }
}
