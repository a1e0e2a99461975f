package io.cyclegan.ingest.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cyclegan.common.messages.MessageCodec;
import java.util.Locale;

/**
 * RFC 9457 problem documents ({@code application/problem+json}): {@code type} names the reason,
 * {@code title} the status, {@code detail} what went wrong; {@code reason} is our machine-readable
 * code (a {@code RejectReason} name or an API code such as {@code INSUFFICIENT_SCOPE}) and {@code
 * error} repeats the detail for clients of the earlier format. A detail never names a host, bucket
 * or class: the details of a fault go to the log only.
 */
final class Problems {
  static final String CONTENT_TYPE = "application/problem+json";
  private static final ObjectMapper JSON = MessageCodec.mapper();

  private Problems() {}

  static byte[] body(int status, String reason, String detail) {
    ObjectNode body = JSON.createObjectNode();
    body.put("type", type(reason));
    body.put("title", title(status));
    body.put("status", status);
    body.put("detail", detail);
    body.put("reason", reason);
    body.put("error", detail);
    try {
      return JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a problem document always serialises", e);
    }
  }

  static String type(String reason) {
    return "urn:cyclegan:problem:" + reason.toLowerCase(Locale.ROOT).replace('_', '-');
  }

  static String title(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 408 -> "Request Timeout";
      case 409 -> "Conflict";
      case 413 -> "Content Too Large";
      case 414 -> "URI Too Long";
      case 415 -> "Unsupported Media Type";
      case 429 -> "Too Many Requests";
      case 431 -> "Request Header Fields Too Large";
      case 503 -> "Service Unavailable";
      default -> status >= 500 ? "Internal Server Error" : "Error";
    };
  }

  /** The reason code for a status that Jetty answers itself, before any route runs. */
  static String reasonOf(int status) {
    return switch (status) {
      case 400 -> "BAD_REQUEST";
      case 404 -> "NOT_FOUND";
      case 405 -> "METHOD_NOT_ALLOWED";
      case 408 -> "REQUEST_TIMEOUT";
      case 413 -> "BODY_TOO_LARGE";
      case 414 -> "URI_TOO_LONG";
      case 431 -> "HEADERS_TOO_LARGE";
      case 503 -> "UNAVAILABLE";
      default -> status >= 500 ? "INTERNAL" : "BAD_REQUEST";
    };
  }
}
