package io.cyclegan.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cyclegan.cli.local.LocalPipeline;
import io.cyclegan.common.image.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI over the HTTP transport (issue 13 part 2): the same commands against the real ingest API
 * of a local pipeline, with no Kafka or S3 address given, only the API's URL and token.
 */
class ApiTransportIT {
  private static LocalPipeline pipeline;
  private static Map<String, String> env;

  @BeforeAll
  static void start() {
    pipeline = LocalPipeline.start(LocalPipeline.Ports.ANY, null, true);
    env =
        Map.of(
            "CYCLEGAN_API_URL",
            "http://127.0.0.1:" + pipeline.httpPort(),
            "CYCLEGAN_API_TOKEN",
            pipeline.apiToken().orElseThrow());
  }

  @AfterAll
  static void stop() {
    pipeline.close();
  }

  @Test
  void shouldUploadADatasetOverTheApiReportingEachRejection(@TempDir Path dir) throws Exception {
    Files.write(dir.resolve("a.png"), TestImages.png(16, 16, 1));
    Files.write(dir.resolve("b.png"), TestImages.truncate(TestImages.png(16, 16, 2), 0.5));

    CliRun.Result upload =
        CliRun.runPlain(env, "dataset", "upload", "api-ds", "--domain", "A", dir.toString());

    assertThat(upload.exitCode()).as(upload.toString()).isEqualTo(ExitCodes.FAILED);
    assertThat(upload.out())
        .contains("dataset api-ds, domain A: 1 accepted, 1 rejected")
        .containsPattern("rejected b.png: HTTP API answered 400 (TRUNCATED|CORRUPT)");
  }

  @Test
  void shouldStartReadAndCancelAJobOverTheApi() {
    CliRun.Result train =
        CliRun.runPlain(
            env, "train", "--job", "api-job", "--model", "m", "--dataset", "nothing-here");
    CliRun.Result cancel = CliRun.runPlain(env, "cancel", "api-job");

    assertThat(train.exitCode()).as(train.toString()).isEqualTo(ExitCodes.OK);
    assertThat(train.out()).contains("submitted job api-job over the HTTP API");
    assertThat(cancel.exitCode()).as(cancel.toString()).isEqualTo(ExitCodes.OK);
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              CliRun.Result job = CliRun.runPlain(env, "job", "api-job", "-o", "json");
              assertThat(job.exitCode()).as(job.toString()).isEqualTo(ExitCodes.OK);
              assertThat(job.out()).contains("\"jobId\" : \"api-job\"");
            });
    CliRun.Result missing = CliRun.runPlain(env, "job", "no-such-job");
    assertThat(missing.exitCode()).isEqualTo(ExitCodes.FAILED);
    assertThat(missing.err()).contains("no job no-such-job");
  }

  @Test
  void shouldTranslateOverTheApiAndReportTheResultsError(@TempDir Path dir) throws Exception {
    Path input = dir.resolve("horse.png");
    Files.write(input, TestImages.png(16, 16, 3));

    CliRun.Result translate =
        CliRun.runPlain(
            env,
            "translate",
            "--model",
            "absent",
            input.toString(),
            "--out",
            dir.resolve("out").toString(),
            "--timeout",
            "60");
    CliRun.Result models = CliRun.runPlain(env, "models", "-o", "json");

    assertThat(translate.exitCode()).as(translate.toString()).isEqualTo(ExitCodes.FAILED);
    assertThat(translate.out()).contains("error   horse.png: UNKNOWN_MODEL");
    assertThat(models.exitCode()).as(models.toString()).isEqualTo(ExitCodes.OK);
    assertThat(models.out()).contains("\"models\" : [");
  }

  @Test
  void shouldRefuseAWrongTokenWithTheApisReason() {
    CliRun.Result result =
        CliRun.runPlain(
            Map.of(
                "CYCLEGAN_API_URL", env.get("CYCLEGAN_API_URL"), "CYCLEGAN_API_TOKEN", "cgt_wrong"),
            "models");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILED);
    assertThat(result.err()).contains("HTTP API answered 401 INVALID_TOKEN").doesNotContain("cgt_");
  }
}
