package io.cyclegan.ingest.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.cyclegan.common.store.Names;

/** Checks of names and fields from the request, each refused with a 400 naming what is wrong. */
final class Params {
  private Params() {}

  static String name(String kind, String value, String reason) {
    try {
      return Names.require(kind, value);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(reason, e.getMessage());
    }
  }

  static String requestId(String id) {
    if (!Names.isValidRequestId(id)) {
      try {
        Names.requireRequestId(id);
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("INVALID_REQUEST_ID", e.getMessage());
      }
    }
    return id;
  }

  static String required(JsonNode body, String field) {
    String v = text(body, field);
    if (v == null) {
      throw ApiException.badRequest("MISSING_FIELD", "missing required field '" + field + "'");
    }
    return v;
  }

  static String text(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw ApiException.badRequest("INVALID_FIELD", "field '" + field + "' must be a string");
    }
    return v.asText();
  }
}
