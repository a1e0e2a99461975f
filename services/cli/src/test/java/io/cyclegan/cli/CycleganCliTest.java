package io.cyclegan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CycleganCliTest {

  @Test
  void shouldListEveryCommandInTheHelp() {
    CliRun.Result result = CliRun.runPlain(Map.of(), "--help");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out())
        .contains("dataset", "train", "translate", "jobs", "job", "cancel", "models")
        .contains("dlq", "admin", "up", "demo");
  }

  @Test
  void shouldNameTheTakenPortWhenUpCannotListen() throws Exception {
    try (java.net.ServerSocket taken =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      CliRun.Result up =
          CliRun.runPlain(Map.of(), "up", "--http-port", Integer.toString(taken.getLocalPort()));

      assertThat(up.exitCode()).isEqualTo(ExitCodes.FAILED);
      assertThat(up.err())
          .contains("ingest HTTP API port " + taken.getLocalPort())
          .contains("already in use")
          .contains("--http-port");
    }
  }

  @Test
  void shouldRefuseAnUnknownDirectionAsAUsageError() {
    CliRun.Result result =
        CliRun.runPlain(
            Map.of(), "translate", "--model", "m", "--direction", "AtoC", "x.png", "--out", "o");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err()).contains("AtoC");
  }

  @Test
  void shouldNotPrintTheSecretKeyInAnyHelp() {
    CliRun.Result help =
        CliRun.runPlain(Map.of("S3_SECRET_KEY", "top-secret-value"), "jobs", "--help");

    assertThat(help.out()).contains("--s3-secret-key").doesNotContain("top-secret-value");
  }
}
