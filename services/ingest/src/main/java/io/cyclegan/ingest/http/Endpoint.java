package io.cyclegan.ingest.http;

import io.cyclegan.ingest.auth.Scope;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One operation of the HTTP API: its method, its path template ({@code /jobs/{jobId}/cancel}) and
 * the scope a caller needs. {@link HttpApi#ENDPOINTS} lists them all, and requests are dispatched
 * only through that list, so an operation without a scope cannot exist.
 */
record Endpoint(String method, String template, Scope scope) {
  Endpoint {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(scope, "scope of " + template);
    if (!template.startsWith("/")) {
      throw new IllegalArgumentException("a template starts with '/': " + template);
    }
  }

  List<String> parts() {
    return Arrays.stream(template.split("/")).filter(s -> !s.isEmpty()).toList();
  }

  /** The values of the template's {@code {names}} when the path's segments fit it. */
  Optional<Map<String, String>> match(List<String> segments) {
    List<String> parts = parts();
    if (parts.size() != segments.size()) {
      return Optional.empty();
    }
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < parts.size(); i++) {
      String part = parts.get(i);
      if (part.startsWith("{") && part.endsWith("}")) {
        params.put(part.substring(1, part.length() - 1), segments.get(i));
      } else if (!part.equals(segments.get(i))) {
        return Optional.empty();
      }
    }
    return Optional.of(params);
  }

  /** The path with each {@code {name}} replaced by {@code values.get(name)}. */
  String path(Map<String, String> values) {
    StringBuilder out = new StringBuilder();
    for (String part : parts()) {
      out.append('/');
      if (part.startsWith("{") && part.endsWith("}")) {
        out.append(
            Objects.requireNonNull(
                values.get(part.substring(1, part.length() - 1)), "a value for " + part));
      } else {
        out.append(part);
      }
    }
    return out.toString();
  }
}
