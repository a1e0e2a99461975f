package io.cyclegan.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code cyclegan up} prints a fresh admin token, as Jupyter does, and its HTTP API takes that
 * token and nothing else.
 */
class UpBannerIT {
  private static final Pattern TOKEN = Pattern.compile("API token +(\\S+)");

  @Test
  void shouldPrintAnAdminTokenThatTheApiTakesWhenAuthenticationIsOn() throws Exception {
    try (LocalPipeline pipeline = LocalPipeline.start(LocalPipeline.Ports.ANY, null, true)) {
      StringWriter banner = new StringWriter();
      UpCommand.printEndpoints(new PrintWriter(banner), pipeline);
      Matcher m = TOKEN.matcher(banner.toString());
      assertThat(m.find()).as(banner.toString()).isTrue();
      String token = m.group(1);

      assertThat(token).isEqualTo(pipeline.apiToken().orElseThrow()).startsWith("cgt_");
      assertThat(banner.toString()).contains("Authorization: Bearer " + token);
      assertThat(get(pipeline, "Bearer " + token).statusCode()).isEqualTo(200);
      assertThat(get(pipeline, null).statusCode()).isEqualTo(401);
      assertThat(get(pipeline, "Bearer " + token.substring(0, token.length() - 1)).statusCode())
          .isEqualTo(401);
    }
  }

  private static HttpResponse<String> get(LocalPipeline p, String authorization) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.httpPort() + "/datasets"));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
