package io.cyclegan.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cyclegan.common.messages.MessageCodec;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * docs/openapi.json (as built into the jar and served at {@code /openapi.json}) documents exactly
 * the operations of {@link HttpApi#ENDPOINTS}, each with the scope it needs: a route without a
 * documented path, or a documented path without a route, fails here.
 */
class OpenApiDocumentTest {
  private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch");

  @Test
  void shouldDocumentEveryRouteWithItsScopeAndNothingElse() throws Exception {
    JsonNode doc = MessageCodec.mapper().readTree(OpenApiResource.load());

    Map<String, String> documented = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields();
        paths.hasNext(); ) {
      Map.Entry<String, JsonNode> path = paths.next();
      for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
        Map.Entry<String, JsonNode> op = ops.next();
        if (METHODS.contains(op.getKey())) {
          documented.put(
              op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey(),
              op.getValue().path("x-cyclegan-scope").asText("(none)"));
        }
      }
    }
    Map<String, String> served = new TreeMap<>();
    HttpApi.ENDPOINTS.forEach(e -> served.put(e.method() + " " + e.template(), e.scope().label()));

    assertThat(documented).isEqualTo(served);
  }

  @Test
  void shouldBeOpenApi31WithAProblemForEveryError() throws Exception {
    JsonNode doc = MessageCodec.mapper().readTree(OpenApiResource.load());

    assertThat(doc.get("openapi").asText()).startsWith("3.1.");
    Set<String> errorsWithoutProblem = new TreeSet<>();
    doc.get("paths")
        .fields()
        .forEachRemaining(
            path ->
                path.getValue()
                    .fields()
                    .forEachRemaining(
                        op ->
                            op.getValue()
                                .path("responses")
                                .fields()
                                .forEachRemaining(
                                    r -> {
                                      if (r.getKey().startsWith("4")
                                          || r.getKey().startsWith("5")) {
                                        String ref = r.getValue().path("$ref").asText();
                                        JsonNode resolved = doc.at(ref.substring(1));
                                        if (!resolved.path("content").has(Problems.CONTENT_TYPE)) {
                                          errorsWithoutProblem.add(
                                              op.getKey() + " " + path.getKey() + " " + r.getKey());
                                        }
                                      }
                                    })));
    assertThat(errorsWithoutProblem).isEmpty();
  }
}
