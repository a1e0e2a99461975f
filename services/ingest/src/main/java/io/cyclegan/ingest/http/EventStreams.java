package io.cyclegan.ingest.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.common.store.StoreException;
import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server-Sent Events that follow one document in the store (a job's state, a request's result): an
 * event each time it changes, until it reaches its final form or the stream's lifetime ends
 * (docs/http-api.md, "Server-Sent Events"). The store stays the one source of truth, so any replica
 * of ingest serves any stream, and a stream that ends is resumed by asking again: the first event
 * is always the document as it stands.
 */
final class EventStreams {
  private static final Logger log = LoggerFactory.getLogger(EventStreams.class);
  private static final ObjectMapper JSON = MessageCodec.mapper();
  static final Duration POLL = Duration.ofMillis(250);
  static final Duration KEEP_ALIVE = Duration.ofSeconds(15);
  static final Duration MAX_LIFE = Duration.ofMinutes(10);

  private final ObjectStore store;

  EventStreams(ObjectStore store) {
    this.store = store;
  }

  /**
   * Streams the document at {@code key}: {@code event: <event>} with the document each time its
   * bytes change, {@code pending} (once) while it does not exist, and {@code end} after the
   * document for which {@code done} holds.
   */
  void follow(Context ctx, String key, String event, JsonNode pending, Predicate<JsonNode> done)
      throws IOException {
    HttpServletResponse res = ctx.res();
    res.setStatus(200);
    res.setContentType("text/event-stream");
    res.setCharacterEncoding("UTF-8");
    res.setHeader("Cache-Control", "no-cache");
    res.setHeader("X-Accel-Buffering", "no");
    OutputStream out = res.getOutputStream();
    long start = System.nanoTime();
    long lastWrite = start;
    byte[] previous = null;
    boolean pendingSent = false;
    int id = 0;
    try {
      while (System.nanoTime() - start < MAX_LIFE.toNanos()) {
        Optional<byte[]> doc;
        try {
          doc = store.get(key);
        } catch (StoreException e) {
          log.warn("{} {}: the stream ends on a store fault: {}", ctx.method(), ctx.path(), e);
          send(out, "error", ++id, problem());
          return;
        }
        if (doc.isEmpty() && !pendingSent) {
          send(out, "pending", ++id, pending);
          pendingSent = true;
          lastWrite = System.nanoTime();
        } else if (doc.isPresent() && !Arrays.equals(doc.get(), previous)) {
          previous = doc.get();
          JsonNode node = JSON.readTree(previous);
          send(out, event, ++id, node);
          lastWrite = System.nanoTime();
          if (done.test(node)) {
            send(out, "end", ++id, JSON.createObjectNode());
            return;
          }
        } else if (System.nanoTime() - lastWrite > KEEP_ALIVE.toNanos()) {
          // A comment: it keeps proxies from closing the stream, and finds a client gone.
          out.write(": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII));
          out.flush();
          lastWrite = System.nanoTime();
        }
        Thread.sleep(POLL.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static JsonNode problem() {
    return JSON.valueToTree(
        java.util.Map.of(
            "status",
            503,
            "reason",
            "UNAVAILABLE",
            "detail",
            "the object store is unavailable; ask again in a few seconds"));
  }

  /** One event; the data is compact JSON, so one {@code data:} line. */
  private static void send(OutputStream out, String event, int id, JsonNode data)
      throws IOException {
    String text =
        "event: " + event + "\nid: " + id + "\ndata: " + JSON.writeValueAsString(data) + "\n\n";
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }
}
