package io.cyclegan.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cyclegan.common.messages.Direction;
import io.cyclegan.common.messages.TranslateResult;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.LocalStackExtension;
import io.cyclegan.model.translate.CycleGanTranslator;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalStackExtension.class)
class HotSwapIT {

  @Test
  void shouldPickUpANewVersionMidStreamWithoutFailingAndKeepPinnedRequestsOnTheirVersion(
      LocalStack stack) {
    byte[] v1 = TestModels.generators(4, 1, 41);
    byte[] v2 = TestModels.generators(4, 1, 42);
    try (WorkerFixture f = new WorkerFixture(stack, "swap");
        CycleGanTranslator direct1 = TestModels.translator(v1);
        CycleGanTranslator direct2 = TestModels.translator(v2)) {
      f.publishModel("swap", "v1", v1);
      f.startWorker(Map.of("CYCLEGAN_MAX_BATCH", "4", "CYCLEGAN_MAX_BATCH_DELAY_MS", "5"));
      List<String> before = send(f, "before", 8, null);
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(() -> assertThat(f.results(before.get(0))).isNotEmpty());

      // Announced while the first requests are still being served.
      f.publishModel("swap", "v2", v2);
      List<String> pinned = send(f, "pinned", 6, "v1");
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                List<String> probe = send(f, "probe-" + System.nanoTime(), 1, null);
                await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> !f.results(probe.get(0)).isEmpty());
                assertThat(f.results(probe.get(0)).get(0).modelVersion()).isEqualTo("v2");
              });
      List<String> after = send(f, "after", 6, null);

      List<String> all = new ArrayList<>(before);
      all.addAll(pinned);
      all.addAll(after);
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> assertThat(all).allSatisfy(id -> assertThat(f.results(id)).isNotEmpty()));

      assertThat(f.allResults().values())
          .as("no request failed across the swap")
          .allSatisfy(
              rs ->
                  assertThat(rs)
                      .allSatisfy(
                          r -> assertThat(r.status()).isEqualTo(TranslateResult.Status.ok)));
      for (String id : pinned) {
        TranslateResult r = f.results(id).get(0);
        assertThat(r.modelVersion()).isEqualTo("v1");
        assertMatches(f, r, direct1);
      }
      for (String id : after) {
        TranslateResult r = f.results(id).get(0);
        assertThat(r.modelVersion()).isEqualTo("v2");
        assertMatches(f, r, direct2);
      }
    }
  }

  @Test
  void shouldPickUpANewerLatestPointerThatWasNeverAnnounced(LocalStack stack) {
    try (WorkerFixture f = new WorkerFixture(stack, "poll")) {
      f.publishModel("poll", "v1", TestModels.generators(4, 1, 43));
      f.startWorker(Map.of("CYCLEGAN_MODEL_POLL_SECONDS", "1"));
      assertThat(BrokerFaultsIT.probe(f, "poll")).isEqualTo("v1");

      // The training worker wrote the pointer and its announcement was lost.
      f.pointOnly("poll", "v2", TestModels.generators(4, 1, 44));
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(() -> assertThat(BrokerFaultsIT.probe(f, "poll")).isEqualTo("v2"));
    }
  }

  private static List<String> send(WorkerFixture f, String prefix, int n, String version) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String id = prefix + "-" + i;
      f.putInput(id, TestModels.image(20, 20, id.hashCode()));
      f.request(f.claimCheck(id, "swap", version, Direction.AtoB, 20, 20));
      ids.add(id);
    }
    return ids;
  }

  private static void assertMatches(WorkerFixture f, TranslateResult r, CycleGanTranslator direct) {
    BufferedImage input = TestModels.image(20, 20, r.requestId().hashCode());
    BufferedImage expected =
        direct.translate(List.of(input), io.cyclegan.model.translate.Direction.A_TO_B).get(0);
    assertThat(TestModels.maxChannelDifference(f.output(r), expected))
        .as("%s translated by version %s", r.requestId(), r.modelVersion())
        .isLessThanOrEqualTo(2);
  }
}
