package io.cyclegan.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cyclegan.common.image.TestImages;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.ingest.IngestService;
import io.cyclegan.ingest.StackFixtures;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.LocalStackExtension;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The contract of the HTTP API on its server library, over real HTTP against the embedded stack:
 * pagination, problem documents (Jetty's own refusals too), Server-Sent Events, {@code Location},
 * request metrics by route template, the served OpenAPI document and the idle timeout.
 */
@ExtendWith(LocalStackExtension.class)
class ApiContractIT {
  private static final int IDLE_TIMEOUT_SECONDS = 2;

  private static IngestService service;
  private static ObjectStore store;
  private static HttpClient http;

  @BeforeAll
  static void start(LocalStack stack) {
    String topic = "it.contract.images." + id();
    StackFixtures.createTopics(stack, topic, 1);
    service =
        new IngestService(
                StackFixtures.config(
                    stack,
                    "CYCLEGAN_TOPIC_IMAGES_IN",
                    topic,
                    "CYCLEGAN_GROUP_ID",
                    "ingest-contract-it-" + id(),
                    "CYCLEGAN_HTTP_IDLE_TIMEOUT_SECONDS",
                    Integer.toString(IDLE_TIMEOUT_SECONDS)),
                IngestService.LOOPBACK)
            .start();
    store = StackFixtures.store(stack);
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  }

  @AfterAll
  static void stop() {
    if (service != null) {
      service.close();
    }
  }

  private static String id() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  private static URI uri(String path) {
    return URI.create("http://127.0.0.1:" + service.httpPort() + path);
  }

  private static HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static JsonNode json(HttpResponse<byte[]> response) throws IOException {
    return MessageCodec.mapper().readTree(response.body());
  }

  /** Every item of a list, page by page, asserting each page's size and links on the way. */
  private static List<String> walk(
      String path, String field, int limit, Function<JsonNode, String> name) throws Exception {
    List<String> out = new ArrayList<>();
    String cursor = null;
    for (int pages = 0; pages < 10_000; pages++) {
      HttpResponse<byte[]> response =
          get(
              path
                  + "?limit="
                  + limit
                  + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, "UTF-8")));
      assertThat(response.statusCode()).as(new String(response.body())).isEqualTo(200);
      JsonNode page = json(response);
      assertThat(page.get(field).size()).isLessThanOrEqualTo(limit);
      page.get(field).forEach(item -> out.add(name.apply(item)));
      if (!page.has("next")) {
        assertThat(response.headers().firstValue("Link")).isEmpty();
        return out;
      }
      cursor = page.get("next").asText();
      assertThat(response.headers().firstValue("Link"))
          .hasValueSatisfying(l -> assertThat(l).contains("rel=\"next\"").contains(path + "?"));
    }
    throw new AssertionError("the pages never end");
  }

  @Test
  void shouldWalkEveryListPageByPageOnceEachWithOpaqueCursors() throws Exception {
    String id = id();
    byte[] png = TestImages.png(8, 8, 1);
    List<String> datasets = new ArrayList<>();
    List<String> images = new ArrayList<>();
    List<String> jobs = new ArrayList<>();
    List<String> models = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String dataset = "page-" + id + "-" + i;
      datasets.add(dataset);
      // Through the API: the dataset list reads the summaries ingest keeps as images arrive.
      HttpResponse<byte[]> upload =
          http.send(
              HttpRequest.newBuilder(uri("/datasets/" + dataset + "/A"))
                  .header("Content-Type", "image/png")
                  .POST(HttpRequest.BodyPublishers.ofByteArray(png))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(upload.statusCode()).isEqualTo(201);
      String image = ObjectKeys.datasetImage("pages-" + id, "B", sha(i));
      images.add(image);
      store.put(image, png, "image/png");
      String job = "job-" + id + "-" + i;
      jobs.add(job);
      store.put(
          ObjectKeys.jobState(job),
          ("{\"jobId\":\"" + job + "\",\"state\":\"accepted\"}").getBytes(StandardCharsets.UTF_8),
          "application/json");
      String model = "model-" + id + "-" + i;
      models.add(model);
      store.put(
          ObjectKeys.modelLatest(model), "{}".getBytes(StandardCharsets.UTF_8), "application/json");
    }

    List<String> listedDatasets = walk("/datasets", "datasets", 2, d -> d.path("name").asText());
    List<String> listedImages =
        walk("/datasets/pages-" + id + "/B", "images", 2, d -> d.get("key").asText());
    List<String> listedJobs = walk("/jobs", "jobs", 2, j -> j.path("jobId").asText());
    List<String> listedModels = walk("/models", "models", 3, m -> m.path("name").asText());

    // Other tests share the bucket: each of ours must appear exactly once, in key order.
    assertThat(listedDatasets).filteredOn(datasets::contains).containsExactlyElementsOf(datasets);
    assertThat(listedImages).containsExactlyElementsOf(images);
    assertThat(listedJobs).filteredOn(jobs::contains).containsExactlyElementsOf(jobs);
    assertThat(listedModels).filteredOn(models::contains).containsExactlyElementsOf(models);
  }

  private static String sha(int i) {
    return String.format("%064x", i + 1);
  }

  @Test
  void shouldRefuseABadLimitOrCursorWithAProblem() throws Exception {
    assertProblem(get("/datasets?limit=0"), 400, "INVALID_LIMIT");
    assertProblem(get("/models?limit=1001"), 400, "INVALID_LIMIT");
    assertProblem(get("/jobs?cursor=not-a-cursor"), 400, "INVALID_CURSOR");
  }

  @Test
  void shouldAnswerJettysOwnRefusalsAsProblemsWithoutInternals() throws Exception {
    // Headers beyond Jetty's limit are refused before any route runs.
    String huge = "x".repeat(64 * 1024);
    String response = raw("GET /models HTTP/1.1\r\nHost: x\r\nX-Big: " + huge + "\r\n\r\n");

    assertThat(response).startsWith("HTTP/1.1 431");
    assertThat(response).containsIgnoringCase("Content-Type: application/problem+json");
    JsonNode problem = MessageCodec.mapper().readTree(response.substring(response.indexOf("{")));
    assertThat(problem.get("status").asInt()).isEqualTo(431);
    assertThat(problem.get("type").asText()).startsWith("urn:cyclegan:problem:");
    assertThat(problem.get("reason").asText()).isEqualTo("HEADERS_TOO_LARGE");
    assertThat(response).doesNotContain("org.eclipse").doesNotContain("Caused by");

    // A request line Jetty cannot parse.
    String garbage = raw("GARBAGE\r\n\r\n");
    assertThat(garbage).startsWith("HTTP/1.1 400");
    assertThat(garbage).containsIgnoringCase("Content-Type: application/problem+json");
    assertThat(garbage).contains("\"reason\":\"BAD_REQUEST\"").doesNotContain("<html>");
  }

  @Test
  void shouldAnswerEveryApiErrorAsAProblem() throws Exception {
    HttpResponse<byte[]> missing = get("/jobs/no-such-" + id());
    assertProblem(missing, 404, "NOT_FOUND");
    JsonNode problem = json(missing);
    assertThat(problem.get("type").asText()).isEqualTo("urn:cyclegan:problem:not-found");
    assertThat(problem.get("title").asText()).isEqualTo("Not Found");
    assertThat(problem.get("detail").asText()).contains("no job");

    HttpResponse<byte[]> wrongMethod =
        http.send(
            HttpRequest.newBuilder(uri("/models")).DELETE().build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertProblem(wrongMethod, 405, "METHOD_NOT_ALLOWED");
    assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("GET");
  }

  private static void assertProblem(HttpResponse<byte[]> response, int status, String reason)
      throws IOException {
    assertThat(response.statusCode()).as(new String(response.body())).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    JsonNode body = json(response);
    assertThat(body.get("status").asInt()).isEqualTo(status);
    assertThat(body.get("reason").asText()).isEqualTo(reason);
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void shouldStreamAJobsStateUntilItEnds() throws Exception {
    String job = "sse-" + id();
    String key = ObjectKeys.jobState(job);
    store.put(key, state(job, "running", 1), "application/json");
    HttpResponse<Stream<String>> response =
        http.send(
            HttpRequest.newBuilder(uri("/jobs/" + job + "/events")).GET().build(),
            HttpResponse.BodyHandlers.ofLines());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
    Iterator<String> lines = response.body().iterator();

    JsonNode first = nextEvent(lines, "state");
    assertThat(first.get("state").asText()).isEqualTo("running");
    assertThat(first.get("epoch").asInt()).isEqualTo(1);
    store.put(key, state(job, "running", 2), "application/json");
    assertThat(nextEvent(lines, "state").get("epoch").asInt()).isEqualTo(2);
    store.put(key, state(job, "completed", 3), "application/json");
    assertThat(nextEvent(lines, "state").get("state").asText()).isEqualTo("completed");
    nextEvent(lines, "end");
    assertThat(lines.hasNext()).as("the stream ends after the final state").isFalse();

    assertProblem(get("/jobs/none-" + id() + "/events"), 404, "NOT_FOUND");
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void shouldStreamARequestsResultOnceWritten() throws Exception {
    String request = "sse-" + id();
    store.put(ObjectKeys.requestInput(request), TestImages.png(8, 8, 1), "image/png");
    HttpResponse<Stream<String>> response =
        http.send(
            HttpRequest.newBuilder(uri("/results/" + request + "/events")).GET().build(),
            HttpResponse.BodyHandlers.ofLines());
    Iterator<String> lines = response.body().iterator();

    assertThat(nextEvent(lines, "pending").get("status").asText()).isEqualTo("pending");
    store.put(
        ObjectKeys.resultDocument(request),
        ("{\"requestId\":\"" + request + "\",\"status\":\"ok\"}").getBytes(StandardCharsets.UTF_8),
        "application/json");
    JsonNode result = nextEvent(lines, "result");
    assertThat(result.get("requestId").asText()).isEqualTo(request);
    assertThat(result.get("status").asText()).isEqualTo("ok");
    nextEvent(lines, "end");
    assertThat(lines.hasNext()).isFalse();

    assertProblem(get("/results/none-" + id() + "/events"), 404, "NOT_FOUND");
  }

  private static byte[] state(String job, String state, int epoch) {
    return ("{\"jobId\":\"" + job + "\",\"state\":\"" + state + "\",\"epoch\":" + epoch + "}")
        .getBytes(StandardCharsets.UTF_8);
  }

  /** The data of the next event, which must be of type {@code type} (comments are skipped). */
  private static JsonNode nextEvent(Iterator<String> lines, String type) throws IOException {
    String event = null;
    String data = null;
    while (lines.hasNext()) {
      String line = lines.next();
      if (line.startsWith("event: ")) {
        event = line.substring("event: ".length());
      } else if (line.startsWith("data: ")) {
        data = line.substring("data: ".length());
      } else if (line.isEmpty() && event != null) {
        assertThat(event).isEqualTo(type);
        return MessageCodec.mapper().readTree(data);
      }
    }
    throw new AssertionError("the stream ended before a '" + type + "' event");
  }

  @Test
  void shouldAnswerCreationsWithALocation() throws Exception {
    String dataset = "loc-" + id();
    HttpResponse<byte[]> upload =
        http.send(
            HttpRequest.newBuilder(uri("/datasets/" + dataset + "/A"))
                .header("Content-Type", "image/png")
                .POST(HttpRequest.BodyPublishers.ofByteArray(TestImages.png(8, 8, 7)))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(upload.statusCode()).isEqualTo(201);
    assertThat(upload.headers().firstValue("Location")).hasValue("/datasets/" + dataset + "/A");

    String job = "loc-" + id();
    HttpResponse<byte[]> started =
        http.send(
            HttpRequest.newBuilder(uri("/jobs"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"jobId\":\""
                            + job
                            + "\",\"model\":\"m\",\"dataset\":\""
                            + dataset
                            + "\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(started.statusCode()).isEqualTo(202);
    assertThat(started.headers().firstValue("Location")).hasValue("/jobs/" + job);
  }

  @Test
  void shouldTimeRequestsByRouteTemplateNeverTheRawPath() throws Exception {
    String job = "metric-" + id();
    store.put(ObjectKeys.jobState(job), state(job, "accepted", 0), "application/json");
    assertThat(get("/jobs/" + job).statusCode()).isEqualTo(200);
    assertThat(get("/no/such/" + job).statusCode()).isEqualTo(404);

    String metrics = StackFixtures.get(service.metricsPort(), "/metrics").body();
    String series =
        String.join(
            "\n", metrics.lines().filter(l -> l.startsWith("http_server_requests")).toList());
    assertThat(
            StackFixtures.sample(
                metrics,
                "http_server_requests_seconds_count{method=\"GET\",outcome=\"SUCCESS\","
                    + "service=\"ingest\",status=\"200\",uri=\"/jobs/{jobId}\"}"))
        .as(series)
        .isGreaterThanOrEqualTo(1);
    assertThat(
            StackFixtures.sample(
                metrics,
                "http_server_requests_seconds_count{method=\"GET\",outcome=\"CLIENT_ERROR\","
                    + "service=\"ingest\",status=\"404\",uri=\"unmatched\"}"))
        .as(series)
        .isGreaterThanOrEqualTo(1);
    assertThat(series).doesNotContain(job);
    // Buckets, so that a dashboard can take quantiles across replicas.
    assertThat(
            StackFixtures.sample(
                metrics,
                "http_server_requests_seconds_bucket{method=\"GET\",outcome=\"SUCCESS\","
                    + "service=\"ingest\",status=\"200\",uri=\"/jobs/{jobId}\",le=\"60.0\"}"))
        .as(series)
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  void shouldServeTheCommittedOpenApiDocument() throws Exception {
    HttpResponse<byte[]> response = get("/openapi.json");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(response.body()).isEqualTo(OpenApiResource.load());
    assertThat(json(response).get("openapi").asText()).startsWith("3.1");
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void shouldCloseASilentConnectionAfterTheIdleTimeout() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", service.httpPort())) {
      // Well beyond the idle timeout: a read that ends by timing out here means it stayed open.
      socket.setSoTimeout((IDLE_TIMEOUT_SECONDS + 20) * 1000);
      socket.getOutputStream().write("GET /models HTTP/1.1\r\nHost: x\r\n".getBytes());

      InputStream in = socket.getInputStream();
      byte[] buf = new byte[4096];
      int n;
      while ((n = in.read(buf)) > 0) {
        // Jetty may answer 408 before it closes; then the connection ends.
      }
      assertThat(n).as("closed by the server").isEqualTo(-1);
    }
  }

  private static String raw(String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", service.httpPort())) {
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
