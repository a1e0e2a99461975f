package io.cyclegan.cli.connect;

import com.fasterxml.jackson.databind.JsonNode;
import io.cyclegan.common.messages.MessageCodec;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The HTTP transport: the ingest service's API (docs/http-api.md) with a bearer token, for people
 * outside the cluster who cannot reach Kafka and S3. Error answers (RFC 9457 problem documents)
 * become an {@link ApiException} with their reason code and detail; the token is never printed.
 */
public final class ApiClient {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(120);

  private final URI base;
  private final String token;
  private final HttpClient http;

  public ApiClient(URI base, String token) {
    String b = base.toString();
    this.base = URI.create(b.endsWith("/") ? b : b + "/");
    this.token = token;
    this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
  }

  /** An HTTP error answer of the API. */
  public static final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String reason;

    ApiException(int status, String reason, String detail) {
      super("HTTP API answered " + status + (reason == null ? "" : " " + reason) + ": " + detail);
      this.status = status;
      this.reason = reason;
    }

    public int status() {
      return status;
    }

    public String reason() {
      return reason;
    }
  }

  public URI base() {
    return base;
  }

  /** GET a JSON document; empty on 404. */
  public Optional<JsonNode> getJson(String path) {
    HttpResponse<byte[]> r = send(request(path).GET());
    if (r.statusCode() == 404) {
      return Optional.empty();
    }
    return Optional.of(json(check(r)));
  }

  /**
   * Items asked for per page: the API's default (docs/http-api.md, "Pagination"), so a client that
   * stops early (a {@code --limit}) has not made the server read a thousand state documents. The
   * maximum, 1000, works too: ingest asks the store for at most S3's 1000 keys a request (an
   * earlier version asked for 1001 and answered 500; {@code HttpApiIT} checks every list at 1000).
   */
  public static final int PAGE = 100;

  /**
   * Every item of a paginated list: GETs {@code path} and follows each page's {@code next} cursor
   * until the last page, or until {@code limit} items when {@code limit > 0}. Empty on 404.
   *
   * @param field the array of items in each page ({@code "jobs"}, {@code "models"}...)
   */
  public Optional<List<JsonNode>> getList(String path, String field, int limit) {
    return getList(path, field, limit, PAGE);
  }

  /** {@link #getList(String, String, int)} asking for pages of at most {@code pageSize}. */
  public Optional<List<JsonNode>> getList(String path, String field, int limit, int pageSize) {
    List<JsonNode> items = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      int want = limit > 0 ? Math.min(pageSize, limit - items.size()) : pageSize;
      String page =
          path
              + (path.contains("?") ? "&" : "?")
              + "limit="
              + want
              + (cursor == null
                  ? ""
                  : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
      Optional<JsonNode> doc = getJson(page);
      if (doc.isEmpty()) {
        if (pages == 0) {
          return Optional.empty();
        }
        throw new IllegalStateException(
            "the HTTP API lost a list while it was being read: " + path);
      }
      pages++;
      JsonNode array = doc.get().path(field);
      if (!array.isArray()) {
        throw new IllegalStateException(
            "the HTTP API answered a page of " + path + " without a '" + field + "' list");
      }
      for (JsonNode item : array) {
        if (limit > 0 && items.size() >= limit) {
          break;
        }
        items.add(item);
      }
      String next = doc.get().path("next").asText(null);
      if (next != null && next.equals(cursor)) {
        // A server that hands back the cursor it was given would loop forever.
        throw new IllegalStateException("the HTTP API repeated a page cursor of " + path);
      }
      cursor = next;
    } while (cursor != null && !cursor.isEmpty() && (limit <= 0 || items.size() < limit));
    return Optional.of(items);
  }

  /** Sends a file's bytes, streamed from disk, and reads the JSON answer. */
  public JsonNode sendFile(String method, String path, String contentType, Path file) {
    HttpRequest.BodyPublisher body;
    try {
      body = HttpRequest.BodyPublishers.ofFile(file);
    } catch (java.io.FileNotFoundException e) {
      throw new IllegalArgumentException("no such file: " + file, e);
    }
    return json(
        check(send(request(path).header("Content-Type", contentType).method(method, body))));
  }

  /** Opens a Server-Sent Events stream (docs/http-api.md); see {@link EventStream}. */
  public EventStream events(String path) {
    return new EventStream(this, path, EventStream.FIRST_BACKOFF_MS, EventStream.IDLE);
  }

  /** The raw streamed answer to GET {@code path} with {@code Accept: text/event-stream}. */
  HttpResponse<java.util.stream.Stream<String>> openLines(String path, String lastEventId)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(resolve(path)).timeout(CONNECT_TIMEOUT.multipliedBy(3)).GET();
    b.header("Accept", "text/event-stream");
    if (token != null && !token.isBlank()) {
      b.header("Authorization", "Bearer " + token);
    }
    if (lastEventId != null) {
      b.header("Last-Event-ID", lastEventId);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofLines());
  }

  /** Turns an error answer whose body was read as lines into an {@link ApiException}. */
  static ApiException problem(int status, byte[] body) {
    String reason = null;
    String detail = "(no detail)";
    try {
      JsonNode problem = MessageCodec.mapper().readTree(body);
      if (problem != null && problem.isObject()) {
        reason = problem.path("reason").asText(null);
        detail = problem.path("detail").asText(problem.path("error").asText(detail));
      }
    } catch (IOException e) {
      // not a problem document: the status says it
    }
    return new ApiException(status, reason, detail);
  }

  /** GET raw bytes; empty on 404. */
  public Optional<byte[]> getBytes(String path) {
    HttpResponse<byte[]> r = send(request(path).GET());
    if (r.statusCode() == 404) {
      return Optional.empty();
    }
    return Optional.of(check(r).body());
  }

  /**
   * GET a file, streamed to a temporary file next to {@code target} and moved into place once
   * complete (never held in memory); false on 404, and nothing written.
   */
  public boolean download(String path, Path target) {
    Path dir = target.toAbsolutePath().getParent();
    Path tmp;
    try {
      tmp = java.nio.file.Files.createTempFile(dir, target.getFileName().toString(), ".part");
    } catch (IOException e) {
      throw new IllegalStateException("cannot write to " + dir + ": " + e.getMessage(), e);
    }
    try {
      HttpRequest.Builder b = request(path).header("Accept", "application/octet-stream");
      HttpResponse<Path> r;
      try {
        r =
            http.send(
                b.build(),
                HttpResponse.BodyHandlers.ofFile(
                    tmp,
                    java.nio.file.StandardOpenOption.WRITE,
                    java.nio.file.StandardOpenOption.TRUNCATE_EXISTING));
      } catch (IOException e) {
        throw new IllegalStateException(
            "cannot reach the HTTP API (--api, CYCLEGAN_API_URL or the profile): "
                + e.getClass().getSimpleName(),
            e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while calling the HTTP API", e);
      }
      if (r.statusCode() == 404) {
        return false;
      }
      if (r.statusCode() >= 300) {
        byte[] body;
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(tmp)) {
          body = in.readNBytes(64 * 1024);
        }
        throw problem(r.statusCode(), body);
      }
      java.nio.file.Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      return true;
    } catch (IOException e) {
      throw new IllegalStateException("cannot write " + target + ": " + e.getMessage(), e);
    } finally {
      try {
        java.nio.file.Files.deleteIfExists(tmp);
      } catch (IOException e) {
        // best effort: a leftover .part file
      }
    }
  }

  /** POST a JSON body (or none) and read the JSON answer. */
  public JsonNode postJson(String path, Object body) {
    HttpRequest.Builder b = request(path).header("Content-Type", "application/json");
    try {
      b.POST(
          body == null
              ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofByteArray(
                  MessageCodec.mapper().writeValueAsBytes(body)));
    } catch (IOException e) {
      throw new IllegalStateException("cannot write the request body", e);
    }
    return json(check(send(b)));
  }

  /** POST (or PUT) raw bytes of {@code contentType} and read the JSON answer. */
  public JsonNode sendBytes(String method, String path, String contentType, byte[] body) {
    return json(
        check(
            send(
                request(path)
                    .header("Content-Type", contentType)
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(body)))));
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(resolve(path))
            .timeout(REQUEST_TIMEOUT)
            .header("Accept", "application/json");
    if (token != null && !token.isBlank()) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  private URI resolve(String path) {
    return base.resolve(path.startsWith("/") ? path.substring(1) : path);
  }

  private HttpResponse<byte[]> send(HttpRequest.Builder request) {
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot reach the HTTP API (--api, CYCLEGAN_API_URL or the profile): "
              + e.getClass().getSimpleName(),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while calling the HTTP API", e);
    }
  }

  private static HttpResponse<byte[]> check(HttpResponse<byte[]> r) {
    if (r.statusCode() < 300) {
      return r;
    }
    throw problem(r.statusCode(), r.body());
  }

  private static JsonNode json(HttpResponse<byte[]> r) {
    try {
      return MessageCodec.mapper().readTree(r.body());
    } catch (IOException e) {
      throw new IllegalStateException("the HTTP API answered with JSON that does not parse", e);
    }
  }
}
