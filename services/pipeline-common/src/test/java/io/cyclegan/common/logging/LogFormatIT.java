package io.cyclegan.common.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cyclegan.localstack.ServiceProcess;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * CYCLEGAN_LOG_FORMAT picks the appender of the services' logback.xml; each case runs in a JVM of
 * its own, since Logback reads its configuration once per JVM.
 */
class LogFormatIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void shouldWriteOneJsonObjectPerEventWithTheMdcWhenAskedForJson() throws Exception {
    String line = probeLine(Map.of("CYCLEGAN_LOG_FORMAT", "json"));

    JsonNode event = JSON.readTree(line);
    assertThat(event.path("message").asText()).isEqualTo(LogFormatProbeMain.MESSAGE);
    assertThat(event.path("level").asText()).isEqualTo("INFO");
    assertThat(event.path("loggerName").asText()).isEqualTo(LogFormatProbeMain.class.getName());
    assertThat(event.path("mdc").path("requestId").asText())
        .isEqualTo(LogFormatProbeMain.REQUEST_ID);
  }

  @Test
  void shouldWriteTheTextPatternByDefault() {
    // The child inherits this JVM's environment, which sets no CYCLEGAN_LOG_FORMAT in the build.
    assertThat(System.getenv("CYCLEGAN_LOG_FORMAT")).isNull();
    String line = probeLine(Map.of());

    assertThat(line)
        .matches(
            "\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  \\[main\\] \\S+ requestId="
                + LogFormatProbeMain.REQUEST_ID
                + " - "
                + LogFormatProbeMain.MESSAGE);
    assertThat(line).doesNotStartWith("{");
  }

  private static String probeLine(Map<String, String> env) {
    try (ServiceProcess probe =
        ServiceProcess.builder()
            .setMainClass(LogFormatProbeMain.class.getName())
            .optEnv(env)
            .optJvmOptions(List.of("-Xmx64m"))
            .build()
            .start()) {
      Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> probe.exitCode().isPresent());
      String log = probe.logTail(200);
      assertThat(probe.exitCode()).as(log).hasValue(0);
      List<String> lines = log.lines().filter(l -> l.contains(LogFormatProbeMain.MESSAGE)).toList();
      assertThat(lines).as(log).hasSize(1);
      // Logback prints its status only on a warning or error in the configuration.
      assertThat(log).as(log).doesNotContain("|-WARN", "|-ERROR");
      return lines.get(0);
    }
  }
}
