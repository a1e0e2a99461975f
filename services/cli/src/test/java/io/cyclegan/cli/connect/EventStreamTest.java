package io.cyclegan.cli.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The SSE reader against a loopback server that misbehaves on purpose: a stream cut in the middle
 * of an event, a 503, then the final state. (The real API's streams are covered by ApiTransportIT;
 * it cannot be made to drop a connection on cue.)
 */
class EventStreamTest {
  private HttpServer server;
  private final AtomicInteger requests = new AtomicInteger();
  private final List<String> lastEventIds = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  /** Each connection is answered by the next script; the last one repeats. */
  private ApiClient serve(List<Script> scripts) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext(
        "/jobs/j1/events",
        exchange -> {
          int n = requests.getAndIncrement();
          lastEventIds.add(String.valueOf(exchange.getRequestHeaders().getFirst("Last-Event-ID")));
          scripts.get(Math.min(n, scripts.size() - 1)).answer(exchange);
        });
    server.start();
    return new ApiClient(
        URI.create("http://127.0.0.1:" + server.getAddress().getPort()), "cgt_test");
  }

  @FunctionalInterface
  private interface Script {
    void answer(HttpExchange exchange) throws IOException;
  }

  private static Script stream(String text, boolean cutOff) {
    return exchange -> {
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
      // A declared length longer than what is written: closing then drops the connection in the
      // middle of the body, as a proxy or a dying replica would.
      exchange.sendResponseHeaders(200, cutOff ? bytes.length + 1000 : bytes.length);
      OutputStream body = exchange.getResponseBody();
      body.write(bytes);
      body.flush();
      exchange.close();
    };
  }

  private static Script status(int status, String body) {
    return exchange -> {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/problem+json");
      exchange.sendResponseHeaders(status, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    };
  }

  @Test
  void shouldReconnectAfterADroppedStreamAndStillSeeTheFinalState() throws Exception {
    ApiClient api =
        serve(
            List.of(
                stream(
                    ": keep-alive\n\nevent: state\nid: 1\ndata: {\"state\":\"running\"}\n\n"
                        + "event: state\nid: 2\ndata: {\"state\":\"comp",
                    true),
                status(503, "{\"reason\":\"UNAVAILABLE\",\"detail\":\"try again\"}"),
                stream(
                    "event: state\nid: 7\ndata: {\"state\":\"completed\"}\n\nevent: end\nid: 8\n"
                        + "data: {}\n\n",
                    false)));
    List<String> states = new ArrayList<>();

    boolean ended =
        new EventStream(api, "/jobs/j1/events", 1, Duration.ofSeconds(30))
            .read(
                e -> {
                  states.add(e.type() + ":" + e.json().path("state").asText());
                  return e.type().equals("end");
                },
                Duration.ofSeconds(30));

    assertThat(ended).isTrue();
    assertThat(states).containsExactly("state:running", "state:completed", "end:");
    assertThat(requests.get()).isEqualTo(3);
    // Reconnections say where the client got to; the half-sent event 2 never counted.
    assertThat(lastEventIds).containsExactly("null", "1", "1");
  }

  @Test
  void shouldDropASilentConnectionAndOpenItAgain() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    ApiClient api =
        serve(
            List.of(
                exchange -> {
                  // Headers, then nothing at all: a connection a NAT forgot.
                  exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
                  exchange.sendResponseHeaders(200, 0);
                  exchange.getResponseBody().flush();
                  try {
                    release.await();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  exchange.close();
                },
                stream("event: state\ndata: {\"state\":\"completed\"}\n\n", false)));
    try {
      boolean ended =
          new EventStream(api, "/jobs/j1/events", 1, Duration.ofMillis(300))
              .read(e -> e.type().equals("state"), Duration.ofSeconds(30));

      assertThat(ended).isTrue();
      assertThat(requests.get()).isEqualTo(2);
    } finally {
      release.countDown();
    }
  }

  @Test
  void shouldEndWithTheApisReasonOnARefusalWithoutRetrying() throws Exception {
    ApiClient api =
        serve(List.of(status(401, "{\"reason\":\"INVALID_TOKEN\",\"detail\":\"not valid\"}")));

    assertThatThrownBy(
            () ->
                new EventStream(api, "/jobs/j1/events", 1, Duration.ofSeconds(30))
                    .read(e -> true, Duration.ofSeconds(30)))
        .isInstanceOf(ApiClient.ApiException.class)
        .hasMessage("HTTP API answered 401 INVALID_TOKEN: not valid")
        .hasMessageNotContaining("127.0.0.1");
    assertThat(requests.get()).isEqualTo(1);
  }

  @Test
  void shouldGiveUpAfterRepeatedFailuresNamingNoHost() throws Exception {
    ApiClient api = serve(List.of(status(503, "{}")));

    assertThatThrownBy(
            () ->
                new EventStream(api, "/jobs/j1/events", 1, Duration.ofSeconds(30))
                    .read(e -> true, Duration.ZERO))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("failed " + EventStream.MAX_FAILURES + " times in a row (HTTP 503)")
        .hasMessageNotContaining("127.0.0.1");
  }

  @Test
  void shouldTellAMissingResourceOnceAndKeepAsking() throws Exception {
    ApiClient api =
        serve(
            List.of(
                status(404, "{\"reason\":\"NOT_FOUND\"}"),
                status(404, "{\"reason\":\"NOT_FOUND\"}"),
                stream("event: state\ndata: {\"state\":\"failed\"}\n\n", false)));
    List<String> types = new ArrayList<>();

    boolean ended =
        new EventStream(api, "/jobs/j1/events", 1, Duration.ofSeconds(30))
            .read(
                e -> {
                  types.add(e.type());
                  return e.type().equals("state");
                },
                Duration.ofSeconds(30));

    assertThat(ended).isTrue();
    assertThat(types).containsExactly(EventStream.MISSING, "state");
  }

  @Test
  void shouldParseTheEventStreamFormat() {
    EventStream.Parser parser = new EventStream.Parser();
    List<EventStream.Event> events = new ArrayList<>();
    for (String line :
        List.of(
            ": comment", "", "data: a", "data:b", "id: 5", "", "event: end", "retry: 100", "")) {
      EventStream.Event e = parser.line(line);
      if (e != null) {
        events.add(e);
      }
    }

    assertThat(events)
        .containsExactly(
            new EventStream.Event("message", "5", "a\nb"), new EventStream.Event("end", "5", null));
  }
}
