package io.cyclegan.ingest.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /openapi.json}: the OpenAPI 3.1 document of this API, docs/openapi.json as built into
 * the jar. {@code OpenApiDocumentTest} keeps its paths and {@link HttpApi#ENDPOINTS} the same.
 */
final class OpenApiResource implements Resource {
  static final String RESOURCE = "/openapi.json";

  private final byte[] document;

  OpenApiResource() {
    this.document = load();
  }

  static byte[] load() {
    try (InputStream in = OpenApiResource.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("openapi.json is missing from the classpath");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void register(Routes routes) {
    routes.on(
        "GET", "/openapi.json", ctx -> HttpApi.respond(ctx, 200, "application/json", document));
  }
}
