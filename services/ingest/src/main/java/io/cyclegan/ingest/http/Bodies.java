package io.cyclegan.ingest.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cyclegan.common.messages.MessageCodec;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ScheduledExecutorService;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;

/**
 * Reads request bodies within a size limit and the read timeout ({@link ReadDeadline}). An
 * over-long body is refused with 413 as soon as it is known to exceed the limit: from the
 * Content-Length when given, else while reading, so no more than {@code limit + 1} bytes are ever
 * held. The rest of it is read and dropped (up to {@link #MAX_SWALLOW_BYTES}, as Tomcat does)
 * before answering: a server that closes with unread bytes sends a TCP reset, and the client would
 * lose the 413.
 */
final class Bodies {
  static final long MAX_SWALLOW_BYTES = 8L << 20;
  private static final ObjectMapper JSON = MessageCodec.mapper();

  private final ScheduledExecutorService timer;
  private final Duration readTimeout;

  Bodies(ScheduledExecutorService timer, Duration readTimeout) {
    this.timer = timer;
    this.readTimeout = readTimeout;
  }

  /** The whole body, at most {@code limit} bytes, arrived within the read timeout. */
  byte[] read(Context ctx, long limit) throws IOException {
    try (InputStream in = ctx.req().getInputStream();
        ReadDeadline deadline = deadline(ctx)) {
      long declared = declaredLength(ctx);
      if (declared > limit) {
        swallow(ctx, in, deadline);
        throw tooLarge(declared + " bytes", limit);
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
        swallow(ctx, in, deadline);
        throw tooLarge("more than " + limit + " bytes", limit);
      }
      return out.toByteArray();
    }
  }

  /** A JSON object body of at most {@code limit} bytes; an empty body is {@code null}. */
  JsonNode jsonObject(Context ctx, long limit, boolean optional) throws IOException {
    byte[] bytes = read(ctx, limit);
    if (optional && bytes.length == 0) {
      return null;
    }
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

  /** A deadline that closes this request's connection when it passes. */
  ReadDeadline deadline(Context ctx) {
    return new ReadDeadline(timer, readTimeout, () -> closeConnection(ctx));
  }

  Duration readTimeout() {
    return readTimeout;
  }

  private static void closeConnection(Context ctx) {
    ServletContextRequest request = ServletContextRequest.getServletContextRequest(ctx.req());
    if (request != null) {
      request.getConnectionMetaData().getConnection().getEndPoint().close();
    }
  }

  /** The Content-Length, or -1 when the body is chunked. */
  static long declaredLength(Context ctx) {
    String length = ctx.header("Content-Length");
    if (length == null) {
      return -1;
    }
    try {
      return Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("BAD_CONTENT_LENGTH", "Content-Length is not a number");
    }
  }

  /** Reads and drops the rest of a refused body, so the client gets the answer, not a reset. */
  static void swallow(Context ctx, InputStream in, ReadDeadline deadline) throws IOException {
    long skipped = 0;
    byte[] buf = new byte[64 * 1024];
    int n;
    while (skipped < MAX_SWALLOW_BYTES
        && (n = deadline == null ? in.read(buf) : deadline.read(in, buf, 0, buf.length)) > 0) {
      skipped += n;
    }
    ctx.header("Connection", "close");
  }

  static ApiException tooLarge(String size, long limit) {
    return new ApiException(
        413,
        "BODY_TOO_LARGE",
        "request body of " + size + " is over the limit of " + limit + " bytes");
  }

  /** The media type of the request, lower case, without parameters; null when absent. */
  static String contentType(Context ctx) {
    String ct = ctx.header("Content-Type");
    if (ct == null) {
      return null;
    }
    int semi = ct.indexOf(';');
    return (semi < 0 ? ct : ct.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
  }
}
