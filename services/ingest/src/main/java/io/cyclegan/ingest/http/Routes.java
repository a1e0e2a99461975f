package io.cyclegan.ingest.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Where the resources register their handlers: only for a row of {@link HttpApi#ENDPOINTS}, so an
 * operation without a scope (or without a path in docs/openapi.json) cannot be served. A plain
 * handler runs with a worker's permit from {@link Admission} (429 when the queue is full); a stream
 * ({@code text/event-stream}) holds no worker but one of the few stream slots.
 */
final class Routes {
  static final String PRINCIPAL = "cyclegan.principal";

  private final RoutesConfig routes;
  private final Admission admission;
  private final Admission streams;
  private final Set<Endpoint> registered = new HashSet<>();

  Routes(RoutesConfig routes, Admission admission, Admission streams) {
    this.routes = routes;
    this.admission = admission;
    this.streams = streams;
  }

  /** A request-response operation, run with a worker's permit. */
  void on(String method, String template, Handler handler) {
    Endpoint endpoint = endpoint(method, template);
    routes.addHttpHandler(
        HandlerType.findOrCreate(method.toUpperCase(Locale.ROOT)),
        template,
        ctx -> admitted(admission, ctx, handler));
    registered.add(endpoint);
  }

  /** A Server-Sent Events stream ({@code GET}), run with one of the stream slots. */
  void stream(String template, Handler handler) {
    Endpoint endpoint = endpoint("GET", template);
    routes.addHttpHandler(HandlerType.GET, template, ctx -> admitted(streams, ctx, handler));
    registered.add(endpoint);
  }

  /** The endpoints without a handler: none once every resource has registered. */
  List<Endpoint> missing() {
    return HttpApi.ENDPOINTS.stream().filter(e -> !registered.contains(e)).toList();
  }

  /** The caller recorded on the commands this request publishes ({@link JobPrincipal}), or null. */
  static String principal(Context ctx) {
    return ctx.attribute(PRINCIPAL);
  }

  private static Endpoint endpoint(String method, String template) {
    return HttpApi.ENDPOINTS.stream()
        .filter(e -> e.method().equals(method) && e.template().equals(template))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    method + " " + template + " is not in HttpApi.ENDPOINTS (scope unknown)"));
  }

  private static void admitted(Admission admission, Context ctx, Handler handler) throws Exception {
    Optional<Admission.Permit> permit;
    try {
      permit = admission.enter();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a worker", e);
    }
    if (permit.isEmpty()) {
      ctx.header("Retry-After", HttpApi.RETRY_AFTER_SECONDS);
      // The body is left unread: the connection cannot be reused.
      ctx.header("Connection", "close");
      throw new ApiException(
          429, "TOO_MANY_REQUESTS", "the API is busy; try again in a few seconds");
    }
    try (Admission.Permit p = permit.get()) {
      handler.handle(ctx);
    }
  }
}
