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

  private static final Set<String> PATH_ITEM_FIELDS =
      Set.of(
          "$ref",
          "summary",
          "description",
          "servers",
          "parameters",
          "get",
          "put",
          "post",
          "delete",
          "options",
          "head",
          "patch",
          "trace");
  private static final Set<String> OPERATION_FIELDS =
      Set.of(
          "tags",
          "summary",
          "description",
          "externalDocs",
          "operationId",
          "parameters",
          "requestBody",
          "responses",
          "callbacks",
          "deprecated",
          "security",
          "servers");
  private static final java.util.regex.Pattern STATUS =
      java.util.regex.Pattern.compile("default|[1-5]([0-9]{2}|XX)");

  /**
   * The shape the OpenAPI 3.1 schema gives path items and operations: only their own fields (or
   * {@code x-} extensions), and a {@code responses} object with at least one status code, each
   * response a {@code $ref} or an object with a {@code description}. A {@code responses} put in the
   * wrong place (under {@code requestBody}, or null) fails here.
   */
  @Test
  void shouldGiveEveryOperationTheResponsesTheOpenApiSchemaAsksFor() throws Exception {
    JsonNode doc = MessageCodec.mapper().readTree(OpenApiResource.load());

    Set<String> problems = new TreeSet<>();
    doc.get("paths")
        .fields()
        .forEachRemaining(
            path -> {
              path.getValue()
                  .fieldNames()
                  .forEachRemaining(
                      f -> {
                        if (!PATH_ITEM_FIELDS.contains(f) && !f.startsWith("x-")) {
                          problems.add(path.getKey() + ": unknown path item field " + f);
                        }
                      });
              path.getValue()
                  .fields()
                  .forEachRemaining(
                      op -> {
                        if (METHODS.contains(op.getKey())) {
                          problems.addAll(operationProblems(op.getKey() + " " + path.getKey(), op));
                        }
                      });
            });

    assertThat(problems).isEmpty();
  }

  private static Set<String> operationProblems(String name, Map.Entry<String, JsonNode> op) {
    Set<String> problems = new TreeSet<>();
    op.getValue()
        .fieldNames()
        .forEachRemaining(
            f -> {
              if (!OPERATION_FIELDS.contains(f) && !f.startsWith("x-")) {
                problems.add(name + ": unknown operation field " + f);
              }
            });
    JsonNode body = op.getValue().get("requestBody");
    if (body != null && !(body.isObject() && (body.has("content") || body.has("$ref")))) {
      problems.add(name + ": requestBody without content");
    }
    JsonNode responses = op.getValue().get("responses");
    if (responses == null || !responses.isObject() || responses.isEmpty()) {
      problems.add(name + ": no responses");
      return problems;
    }
    responses
        .fields()
        .forEachRemaining(
            r -> {
              if (!STATUS.matcher(r.getKey()).matches() && !r.getKey().startsWith("x-")) {
                problems.add(name + ": response key " + r.getKey() + " is not a status code");
              } else if (!r.getValue().has("$ref")
                  && !r.getValue().path("description").isTextual()) {
                problems.add(name + " " + r.getKey() + ": response without a description");
              }
            });
    return problems;
  }
}
