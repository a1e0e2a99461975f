package io.cyclegan.cli.translate;

import com.fasterxml.jackson.databind.JsonNode;
import io.cyclegan.cli.connect.ApiClient;
import io.cyclegan.common.messages.Direction;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.messages.OutputFormat;
import io.cyclegan.common.messages.TranslateResult;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code translate} over the HTTP API: {@code POST /translate} for each file, then {@code GET
 * /results/{id}} until every request has its result or the time is up, then each ok output from
 * {@code GET /results/{id}/output.png} (or {@code output.jpg}). The API has no push for results
 * yet, so this polls, every {@link #POLL} at most.
 */
final class ApiTranslation {
  private static final Duration POLL = Duration.ofMillis(500);

  private final ApiClient api;
  private final String model;
  private final Direction direction;
  private final OutputFormat format;
  private final String version;
  private final Path outDir;

  ApiTranslation(
      ApiClient api,
      String model,
      Direction direction,
      String version,
      OutputFormat format,
      Path outDir) {
    this.api = api;
    this.model = model;
    this.direction = direction;
    this.version = version;
    this.format = format;
    this.outDir = outDir;
  }

  Map<String, Request> run(List<Path> files, Duration timeout)
      throws IOException, InterruptedException {
    OutputNames names = new OutputNames(outDir, direction, format);
    Map<String, Request> requests = new LinkedHashMap<>();
    for (Path file : files) {
      String requestId = "cli-" + UUID.randomUUID();
      Request pending = Request.pending(file, requestId, names.forInput(file));
      try {
        api.sendBytes("POST", submitPath(requestId), contentType(file), Files.readAllBytes(file));
        requests.put(requestId, pending);
      } catch (ApiClient.ApiException e) {
        requests.put(requestId, pending.failed(e.getMessage()));
      }
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (requests.values().stream().anyMatch(r -> !r.isDone()) && System.nanoTime() < deadline) {
      for (Map.Entry<String, Request> e : requests.entrySet()) {
        if (!e.getValue().isDone()) {
          e.setValue(poll(e.getValue()));
        }
      }
      if (requests.values().stream().anyMatch(r -> !r.isDone())) {
        Thread.sleep(POLL.toMillis());
      }
    }
    return requests;
  }

  private Request poll(Request request) throws IOException {
    Optional<JsonNode> doc = api.getJson("/results/" + request.requestId());
    if (doc.isEmpty() || "pending".equals(doc.get().path("status").asText())) {
      return request;
    }
    TranslateResult result =
        MessageCodec.decode(
            MessageCodec.mapper().writeValueAsBytes(doc.get()), TranslateResult.class);
    if (result.status() != TranslateResult.Status.ok) {
      return request.answered(result);
    }
    Optional<byte[]> image =
        api.getBytes("/results/" + request.requestId() + "/" + format.fileName());
    if (image.isEmpty()) {
      return request.failed(
          "the result is ok but its " + format.fileName() + " is not there (404)");
    }
    Files.write(request.output(), image.get());
    return request.answered(result);
  }

  private String submitPath(String requestId) {
    StringBuilder path =
        new StringBuilder("/translate?model=")
            .append(encode(model))
            .append("&direction=")
            .append(direction.name())
            .append("&requestId=")
            .append(requestId)
            .append("&format=")
            .append(format.name());
    if (version != null) {
      path.append("&version=").append(encode(version));
    }
    return path.toString();
  }

  /** What the file name says; the API checks it against the content. */
  static String contentType(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".jpg") || name.endsWith(".jpeg")) {
      return "image/jpeg";
    }
    return name.endsWith(".png") ? "image/png" : "application/octet-stream";
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
