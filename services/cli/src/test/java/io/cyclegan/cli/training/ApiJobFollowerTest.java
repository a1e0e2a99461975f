package io.cyclegan.cli.training;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.cyclegan.cli.ExitCodes;
import io.cyclegan.cli.connect.ApiClient;
import io.cyclegan.cli.console.LiveLine;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The lines {@code --follow} prints over the HTTP API, from a job's state documents as a loopback
 * server streams them (the real API's stream is covered by ApiTransportIT).
 */
class ApiJobFollowerTest {
  private HttpServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  private ApiClient serve(List<String> states) throws IOException {
    StringBuilder text = new StringBuilder();
    int id = 0;
    for (String state : states) {
      text.append("event: state\nid: ").append(++id).append("\ndata: ").append(state);
      text.append("\n\n");
    }
    text.append("event: end\nid: ").append(++id).append("\ndata: {}\n\n");
    byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/jobs/j1/events",
        exchange -> {
          exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
          exchange.sendResponseHeaders(200, bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
    server.start();
    return new ApiClient(
        URI.create("http://127.0.0.1:" + server.getAddress().getPort()), "cgt_test");
  }

  /** The lines a follower prints to a pipe, once it ended with {@code exitCode}. */
  private static List<String> follow(ApiClient api, int exitCode) throws InterruptedException {
    StringWriter out = new StringWriter();
    int status =
        new ApiJobFollower(
                api, "j1", TrainingPlan.UNKNOWN, new LiveLine(new PrintWriter(out), false))
            .follow(Duration.ofSeconds(30));
    assertThat(status).isEqualTo(exitCode);
    return out.toString().lines().toList();
  }

  @Test
  void shouldSayWhereTheJobRunsOnceItRunsAndPrintEachChangeOnce() throws Exception {
    ApiClient api =
        serve(
            List.of(
                "{\"state\":\"accepted\",\"epoch\":0,\"step\":0}",
                // The queue's fields change the document, not the line.
                "{\"state\":\"accepted\",\"epoch\":0,\"step\":0,\"queuedAt\":\"2026-12-03T19:00:00Z\"}",
                "{\"state\":\"running\",\"epoch\":0,\"step\":0,\"device\":\"cpu()\","
                    + "\"intraOpThreads\":1}",
                "{\"state\":\"running\",\"epoch\":1,\"step\":12,\"device\":\"cpu()\","
                    + "\"intraOpThreads\":1}",
                "{\"state\":\"completed\",\"epoch\":2,\"step\":24,\"version\":\"j1\"}"));

    assertThat(follow(api, ExitCodes.OK))
        .containsExactly(
            "j1 accepted epoch 0 step 0",
            "j1 running epoch 0 step 0 on cpu() with 1 libtorch intra-op thread(s)",
            "j1 running epoch 1 step 12",
            "j1 completed epoch 2 step 24 version j1");
  }

  @Test
  void shouldLeaveOutADeviceOrThreadCountTheWorkerWouldNotWrite() throws Exception {
    ApiClient api =
        serve(
            List.of(
                "{\"state\":\"running\",\"epoch\":0,\"step\":0,\"device\":\"cpu()\\u001b[2J\","
                    + "\"intraOpThreads\":\"1; more\"}",
                "{\"state\":\"completed\",\"epoch\":1,\"step\":4}"));

    assertThat(follow(api, ExitCodes.OK))
        .containsExactly("j1 running epoch 0 step 0", "j1 completed epoch 1 step 4");
  }

  @Test
  void shouldPrintAnErrorFromTheDocumentOnOneLineWithoutControlCharacters() throws Exception {
    ApiClient api =
        serve(
            List.of(
                "{\"state\":\"failed\",\"epoch\":0,\"step\":0,"
                    + "\"error\":\"unknown parameter(s) [foo\\u001b[2J]\\r\\nj1 completed\"}"));
    assertThat(follow(api, ExitCodes.FAILED))
        .containsExactly(
            "j1 failed epoch 0 step 0: unknown parameter(s) [foo\\u001b[2J]\\r\\nj1 completed");
  }
}
