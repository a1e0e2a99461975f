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

  @Test
  void shouldPrintACompletionScriptNamingEveryCommandForBashAndZsh() {
    CliRun.Result bash = CliRun.runPlain(Map.of(), "completion", "bash");
    CliRun.Result zsh = CliRun.runPlain(Map.of(), "completion", "zsh");
    CliRun.Result fish = CliRun.runPlain(Map.of(), "completion", "fish");

    assertThat(bash.exitCode()).as(bash.err()).isZero();
    assertThat(bash.out())
        .contains("complete -F _complete_cyclegan")
        .contains("translate", "dlq", "completion", "--output", "--api")
        // Generated from the declarations: the paged listings' command and options are in it.
        .contains("images", "--after", "--all");
    assertThat(zsh.out()).contains("bashcompinit");
    assertThat(fish.exitCode()).isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void shouldSayWhichCommandsTheHttpApiCannotServe() {
    for (String[] args :
        new String[][] {
          {"models", "export", "m", "--format", "pth", "--with-discriminators", "--out", "x"}
        }) {
      // Refused before any connection is made: nothing listens on this port.
      CliRun.Result result =
          CliRun.runPlain(Map.of("CYCLEGAN_API_URL", "http://127.0.0.1:9"), args);

      assertThat(result.exitCode()).as(String.join(" ", args)).isEqualTo(ExitCodes.FAILED);
      assertThat(result.err())
          .as(String.join(" ", args))
          .contains("does not work over the HTTP API")
          .contains("with Kafka and S3 access");
    }
    CliRun.Result topics =
        CliRun.runPlain(Map.of("CYCLEGAN_API_URL", "http://127.0.0.1:9"), "admin", "create-topics");
    assertThat(topics.exitCode()).isEqualTo(ExitCodes.FAILED);
    assertThat(topics.err())
        .contains("does not work over the HTTP API, by design")
        .contains("an operator's action on the Kafka broker");
  }
}
