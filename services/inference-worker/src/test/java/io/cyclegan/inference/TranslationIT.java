package io.cyclegan.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cyclegan.common.image.ImageFormat;
import io.cyclegan.common.image.ImageValidator;
import io.cyclegan.common.messages.Direction;
import io.cyclegan.common.messages.OutputFormat;
import io.cyclegan.common.messages.TranslateRequest;
import io.cyclegan.common.messages.TranslateResult;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.LocalStackExtension;
import io.cyclegan.model.data.ImageTensors;
import io.cyclegan.model.translate.CycleGanTranslator;
import io.micrometer.core.instrument.DistributionSummary;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalStackExtension.class)
class TranslationIT {

  /** Batched and single forward passes differ only in float rounding. */
  private static final int TOLERANCE = 2;

  private record Case(String id, String model, Direction direction, int width, int height) {}

  @Test
  void shouldTranslateTwoModelsBothDirectionsAtTheirInputSizes(LocalStack stack) throws Exception {
    byte[] horse = TestModels.generators(4, 1, 11);
    byte[] zebra = TestModels.generators(6, 2, 12);
    try (WorkerFixture f = new WorkerFixture(stack, "translate");
        CycleGanTranslator horseDirect = TestModels.translator(horse);
        CycleGanTranslator zebraDirect = TestModels.translator(zebra)) {
      f.publishModel("horse", "v1", horse);
      f.publishModel("zebra", "v1", zebra);
      InferenceWorker worker =
          f.startWorker(Map.of("CYCLEGAN_MAX_BATCH", "4", "CYCLEGAN_MAX_EDGE", "48"));

      List<Case> cases = new ArrayList<>();
      int n = 0;
      for (String model : List.of("horse", "zebra")) {
        for (Direction d : Direction.values()) {
          cases.add(new Case("tr-" + n++, model, d, 32, 32));
          cases.add(new Case("tr-" + n++, model, d, 30, 21)); // not a multiple of 4
        }
      }
      cases.add(new Case("tr-big", "zebra", Direction.AtoB, 64, 40)); // longer than max edge
      for (Case c : cases) {
        f.putInput(c.id(), TestModels.image(c.width(), c.height(), c.id().hashCode()));
        f.request(f.claimCheck(c.id(), c.model(), null, c.direction(), c.width(), c.height()));
      }

      await()
          .atMost(Duration.ofSeconds(90))
          .untilAsserted(
              () -> assertThat(cases).allSatisfy(c -> assertThat(f.results(c.id())).isNotEmpty()));

      for (Case c : cases) {
        TranslateResult r = f.results(c.id()).get(0);
        assertThat(r.status()).as(c.id()).isEqualTo(TranslateResult.Status.ok);
        assertThat(r.outputKey()).isEqualTo(ObjectKeys.resultOutput(c.id()));
        assertThat(r.modelVersion()).isEqualTo("v1");
        assertThat(r.direction()).isEqualTo(c.direction());
        assertThat(r.timings().totalMs()).isNotNull();
        assertThat(r.timings().inferenceMs()).isNotNull();
        assertThat(f.store.exists(ObjectKeys.resultDocument(c.id()))).isTrue();

        BufferedImage input = TestModels.image(c.width(), c.height(), c.id().hashCode());
        boolean big = c.id().equals("tr-big");
        if (big) {
          assertThat(r.scaledDown()).isTrue();
          assertThat(List.of(r.width(), r.height())).containsExactly(48, 30);
          input = ImageTensors.resizeBicubic(input, 48, 30);
        } else {
          assertThat(r.scaledDown()).isFalse();
          assertThat(List.of(r.width(), r.height())).containsExactly(c.width(), c.height());
        }
        CycleGanTranslator direct = c.model().equals("horse") ? horseDirect : zebraDirect;
        BufferedImage expected =
            direct
                .translate(
                    List.of(input),
                    c.direction() == Direction.AtoB
                        ? io.cyclegan.model.translate.Direction.A_TO_B
                        : io.cyclegan.model.translate.Direction.B_TO_A)
                .get(0);
        BufferedImage actual = f.output(r);
        assertThat(actual.getWidth()).isEqualTo(expected.getWidth());
        assertThat(actual.getHeight()).isEqualTo(expected.getHeight());
        assertThat(TestModels.maxChannelDifference(actual, expected))
            .as("output of %s against the generator applied directly", c)
            .isLessThanOrEqualTo(TOLERANCE);
      }

      HttpResponse<String> ready =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + worker.metricsPort() + "/readyz"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(ready.body()).contains("model-serving ok");
    }
  }

  @Test
  void shouldAnswerOnTheReplyTopicWhenTheRequestNamesOne(LocalStack stack) {
    byte[] gens = TestModels.generators(4, 1, 21);
    try (WorkerFixture f = new WorkerFixture(stack, "reply")) {
      f.publishModel("reply-model", "v1", gens);
      // The worker's default results topic is elsewhere: an answer on the fixture's topic can only
      // have come from the reply topic.
      f.startWorker(
          Map.of(
              "CYCLEGAN_TOPIC_TRANSLATE_RESULTS",
              f.resultsTopic + ".default",
              "CYCLEGAN_REPLY_TOPICS",
              f.resultsTopic));
      f.putInput("reply-1", TestModels.image(16, 16, 1));
      TranslateRequest base = f.claimCheck("reply-1", "reply-model", null, Direction.BtoA, 16, 16);
      f.request(withReplyTopic(base, f.resultsTopic));
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(() -> assertThat(f.results("reply-1")).isNotEmpty());
      assertThat(f.results("reply-1").get(0).status()).isEqualTo(TranslateResult.Status.ok);
    }
  }

  @Test
  void shouldWriteAJpegOutputWhenTheRequestAsksForOne(LocalStack stack) throws Exception {
    byte[] gens = TestModels.generators(4, 1, 23);
    try (WorkerFixture f = new WorkerFixture(stack, "jpeg");
        CycleGanTranslator direct = TestModels.translator(gens)) {
      f.publishModel("jpeg-model", "v1", gens);
      f.startWorker(Map.of());
      BufferedImage input = TestModels.image(30, 21, 5);
      f.putInput("jpeg-1", input);
      f.request(
          f.claimCheck("jpeg-1", "jpeg-model", null, Direction.AtoB, 30, 21, OutputFormat.jpeg));
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(() -> assertThat(f.results("jpeg-1")).isNotEmpty());

      TranslateResult r = f.results("jpeg-1").get(0);
      assertThat(r.status()).isEqualTo(TranslateResult.Status.ok);
      assertThat(r.outputKey()).isEqualTo("results/jpeg-1/output.jpg");
      byte[] bytes = f.store.get(r.outputKey()).orElseThrow();
      assertThat(ImageFormat.sniff(bytes)).contains(ImageFormat.JPEG);
      assertThat(f.store.exists(ObjectKeys.resultOutput("jpeg-1"))).isFalse();
      BufferedImage expected =
          direct.translate(List.of(input), io.cyclegan.model.translate.Direction.A_TO_B).get(0);
      BufferedImage actual = f.output(r);
      assertThat(List.of(actual.getWidth(), actual.getHeight())).containsExactly(30, 21);
      // The generator's output through the same JPEG encoder: batched and single forward passes
      // differ only in float rounding, which the encoder may carry a level or two further.
      BufferedImage expectedJpeg =
          ImageIO.read(
              new ByteArrayInputStream(
                  ImageValidator.encodeJpeg(expected, OutputFormat.JPEG_QUALITY)));
      assertThat(TestModels.meanChannelDifference(actual, expectedJpeg)).isLessThan(1.0);
    }
  }

  @Test
  void shouldAnswerOnTheResultsTopicWhenTheReplyTopicCannotBeWritten(LocalStack stack) {
    byte[] gens = TestModels.generators(4, 1, 22);
    try (WorkerFixture f = new WorkerFixture(stack, "badreply")) {
      f.publishModel("badreply-model", "v1", gens);
      // Allowed by the list, unwritable by Kafka: its name collides with the requests topic's
      // ('.' and '_' are the same to Kafka), so it cannot be created.
      String unwritable = f.requestsTopic.replace('.', '_');
      f.startWorker(Map.of("CYCLEGAN_REPLY_TOPICS", unwritable));
      f.putInput("badreply-1", TestModels.image(16, 16, 2));
      TranslateRequest base =
          f.claimCheck("badreply-1", "badreply-model", null, Direction.AtoB, 16, 16);
      f.request(withReplyTopic(base, unwritable));
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(() -> assertThat(f.results("badreply-1")).isNotEmpty());
      assertThat(f.results("badreply-1").get(0).status()).isEqualTo(TranslateResult.Status.ok);

      // Answered, so committed: a restarted worker would not repeat it.
      f.closeWorkers();
      Map<Integer, Long> used = new java.util.HashMap<>(f.endOffsets());
      used.values().removeIf(end -> end == 0); // partitions the request did not land on
      assertThat(f.committedOffsets()).isEqualTo(used);
    }
  }

  @Test
  void shouldServeABurstInBatchesLargerThanOne(LocalStack stack) {
    byte[] gens = TestModels.generators(4, 1, 31);
    try (WorkerFixture f = new WorkerFixture(stack, "burst")) {
      f.publishModel("burst", "v1", gens);
      int count = 24;
      for (int i = 0; i < count; i++) {
        f.putInput("burst-" + i, TestModels.image(24, 24, i));
      }
      // Queued before the worker starts, so it sees a burst.
      for (int i = 0; i < count; i++) {
        f.request(f.claimCheck("burst-" + i, "burst", null, Direction.AtoB, 24, 24));
      }
      InferenceWorker worker =
          f.startWorker(Map.of("CYCLEGAN_MAX_BATCH", "8", "CYCLEGAN_MAX_BATCH_DELAY_MS", "200"));
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(() -> assertThat(f.allResults()).hasSize(count));

      DistributionSummary batches =
          worker.registry().get("cyclegan.inference.batch.size").summary();
      assertThat(batches.totalAmount()).isEqualTo(count);
      assertThat(batches.count()).isLessThan(count);
      assertThat(batches.max()).isGreaterThan(1).isLessThanOrEqualTo(8);
    }
  }

  private static TranslateRequest withReplyTopic(TranslateRequest q, String replyTopic) {
    return new TranslateRequest(
        q.schema(),
        q.requestId(),
        q.bucket(),
        q.inputKey(),
        q.model(),
        q.modelVersion(),
        q.direction(),
        replyTopic,
        q.width(),
        q.height(),
        q.receivedAt(),
        q.outputFormat());
  }
}
