package io.cyclegan.cli.connect;

import com.fasterxml.jackson.databind.JsonNode;
import io.cyclegan.common.messages.MessageCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A Server-Sent Events stream of the HTTP API ({@code GET /jobs/{id}/events}), read with the JDK's
 * client on a daemon thread. A stream that drops (a proxy, the server's 10-minute cap, a restarted
 * replica) is opened again: the API sends the current document first on every connection, so the
 * final state is never lost between two connections. {@code 404} (a job not yet accepted), {@code
 * 429} and {@code 5xx} answers are retried too; other errors (a bad token, a missing scope) end the
 * read with the API's reason.
 */
public final class EventStream {
  /** The synthetic event delivered once when the stream's resource does not exist (yet). */
  public static final String MISSING = "cyclegan-missing";

  /** The event after which the API sends nothing more on a stream. */
  public static final String END = "end";

  /** Consecutive failed connections (no event read) after which the read gives up. */
  static final int MAX_FAILURES = 8;

  static final long FIRST_BACKOFF_MS = 250;

  /** Four of the server's 15-second keep-alive comments missed. */
  static final Duration IDLE = Duration.ofSeconds(60);

  private static final long MAX_BACKOFF_MS = 5_000;

  /** One event: its type ({@code message} when the server named none), id and data. */
  public record Event(String type, String id, String data) {
    /** The data as JSON (the API's events carry one JSON document). */
    public JsonNode json() {
      try {
        return MessageCodec.mapper().readTree(data == null ? "{}" : data);
      } catch (IOException e) {
        throw new IllegalStateException("the HTTP API sent an event whose data is not JSON", e);
      }
    }
  }

  /** Receives the events in order; returns true when it has seen enough (the read ends). */
  @FunctionalInterface
  public interface Handler {
    boolean on(Event event);
  }

  private final ApiClient api;
  private final String path;

  private final long firstBackoffMs;
  private final long idleNanos;
  private final AtomicLong lastHeard = new AtomicLong(System.nanoTime());

  /**
   * @param firstBackoffMs the pause after a first failure, doubled after each further one (at most
   *     5 s); a missing resource is asked for again every four times this
   * @param idle how long a connection may stay silent before it is dropped and opened again
   */
  EventStream(ApiClient api, String path, long firstBackoffMs, Duration idle) {
    this.api = api;
    this.path = path;
    this.firstBackoffMs = firstBackoffMs;
    this.idleNanos = idle.toNanos();
  }

  /**
   * Reads events until {@code handler} says it is done.
   *
   * @param timeout how long to read; {@link Duration#ZERO} for no limit
   * @return true when the handler ended the read, false when the timeout passed first
   */
  public boolean read(Handler handler, Duration timeout) throws InterruptedException {
    BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    AtomicReference<Stream<String>> open = new AtomicReference<>();
    Thread reader = new Thread(() -> pump(queue, open), "cyclegan-events");
    reader.setDaemon(true);
    reader.start();
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (true) {
        long wait = idleNanos;
        if (!timeout.isZero()) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            return false;
          }
          wait = Math.min(wait, left);
        }
        Object next = queue.poll(wait, TimeUnit.NANOSECONDS);
        if (next == null) {
          dropIfSilent(open);
          continue;
        }
        if (next instanceof RuntimeException e) {
          throw e;
        }
        Event event = (Event) next;
        if (handler.on(event) || END.equals(event.type())) {
          return true;
        }
      }
    } finally {
      reader.interrupt();
      Stream<String> lines = open.getAndSet(null);
      if (lines != null) {
        lines.close();
      }
    }
  }

  /**
   * Closes a connection that has sent nothing, not even the server's keep-alive comment (every 15
   * s), for the idle time: a half-open connection (a NAT or proxy that forgot it) would otherwise
   * wait forever. The reader then connects again.
   */
  private void dropIfSilent(AtomicReference<Stream<String>> open) {
    if (System.nanoTime() - lastHeard.get() > idleNanos) {
      Stream<String> lines = open.getAndSet(null);
      if (lines != null) {
        lastHeard.set(System.nanoTime());
        lines.close();
      }
    }
  }

  /** Connects, reads and reconnects until interrupted or a fatal answer; runs on the thread. */
  private void pump(BlockingQueue<Object> queue, AtomicReference<Stream<String>> open) {
    String lastId = null;
    int failures = 0;
    boolean missingSaid = false;
    String lastCause = "no answer";
    while (!Thread.currentThread().isInterrupted()) {
      long pause;
      try {
        HttpResponse<Stream<String>> response = api.openLines(path, lastId);
        int status = response.statusCode();
        if (status == 200) {
          lastHeard.set(System.nanoTime());
          open.set(response.body());
          boolean any = false;
          try (Stream<String> lines = response.body()) {
            Parser parser = new Parser();
            for (Iterator<String> it = lines.iterator(); it.hasNext(); ) {
              String line = it.next();
              lastHeard.set(System.nanoTime());
              Event event = parser.line(line);
              if (event != null) {
                any = true;
                failures = 0;
                if (event.id() != null) {
                  lastId = event.id();
                }
                queue.put(event);
                if (END.equals(event.type())) {
                  return; // the server's last word on this resource: nothing to reconnect for
                }
              }
            }
          }
          // The server closed the stream (its time cap) or it dropped: open it again.
          lastCause = "the stream ended";
          pause = any ? 0 : backoff(++failures);
        } else {
          byte[] body = readAll(response.body());
          if (status == 404) {
            if (!missingSaid) {
              missingSaid = true;
              queue.put(new Event(MISSING, null, null));
            }
            pause = 4 * firstBackoffMs;
          } else if (status == 429 || status >= 500) {
            lastCause = "HTTP " + status;
            pause = backoff(++failures);
          } else {
            queue.put(ApiClient.problem(status, body));
            return;
          }
        }
      } catch (InterruptedException e) {
        return;
      } catch (IOException | UncheckedIOException e) {
        lastCause = e.getClass().getSimpleName();
        pause = backoff(++failures);
      } finally {
        open.set(null);
      }
      if (failures >= MAX_FAILURES) {
        queue.add(
            new IllegalStateException(
                "the HTTP API's event stream "
                    + path
                    + " failed "
                    + failures
                    + " times in a row ("
                    + lastCause
                    + "); the job may still run"));
        return;
      }
      try {
        Thread.sleep(pause);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private long backoff(int failures) {
    return Math.min(MAX_BACKOFF_MS, firstBackoffMs << Math.min(failures - 1, 10));
  }

  private static byte[] readAll(Stream<String> lines) {
    try (lines) {
      return lines.collect(Collectors.joining("\n")).getBytes(StandardCharsets.UTF_8);
    } catch (UncheckedIOException e) {
      return new byte[0];
    }
  }

  /** The event-stream format (WHATWG HTML, "Server-sent events"), a line at a time. */
  static final class Parser {
    private String type;
    private String id;
    private StringBuilder data;

    /** Feeds one line; returns the event a blank line completes, else null. */
    Event line(String line) {
      if (line.isEmpty()) {
        if (data == null && type == null) {
          return null;
        }
        Event event =
            new Event(type == null ? "message" : type, id, data == null ? null : data.toString());
        type = null;
        data = null;
        return event;
      }
      if (line.startsWith(":")) {
        return null; // a comment: the keep-alive
      }
      int colon = line.indexOf(':');
      String field = colon < 0 ? line : line.substring(0, colon);
      String value = colon < 0 ? "" : line.substring(colon + 1);
      if (value.startsWith(" ")) {
        value = value.substring(1);
      }
      switch (field) {
        case "event" -> type = value;
        case "id" -> id = value.indexOf('\0') >= 0 ? id : value;
        case "data" -> {
          if (data == null) {
            data = new StringBuilder(value);
          } else {
            data.append('\n').append(value);
          }
        }
        default -> {
          // retry and unknown fields: ignored
        }
      }
      return null;
    }
  }
}
