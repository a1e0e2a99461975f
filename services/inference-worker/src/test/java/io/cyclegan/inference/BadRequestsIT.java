package io.cyclegan.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cyclegan.common.messages.DeadLetter;
import io.cyclegan.common.messages.Direction;
import io.cyclegan.common.messages.TranslateResult;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.LocalStackExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalStackExtension.class)
class BadRequestsIT {

  @Test
  void shouldAnswerBadRequestsWithErrorResultsAndDeadLetters(LocalStack stack) {
    byte[] gens = TestModels.generators(4, 1, 51);
    try (WorkerFixture f = new WorkerFixture(stack, "bad")) {
      f.publishModel("good", "v1", gens);
      f.startWorker(Map.of());

      f.putInput("unknown-model", TestModels.image(16, 16, 1));
      f.request(f.claimCheck("unknown-model", "no-such-model", null, Direction.AtoB, 16, 16));
      f.putInput("unknown-version", TestModels.image(16, 16, 2));
      f.request(f.claimCheck("unknown-version", "good", "v9", Direction.AtoB, 16, 16));
      f.request(f.claimCheck("missing-input", "good", null, Direction.AtoB, 16, 16));
      f.store.put(
          ObjectKeys.requestInput("not-an-image"),
          "hello".getBytes(StandardCharsets.UTF_8),
          "image/png");
      f.request(f.claimCheck("not-an-image", "good", null, Direction.AtoB, 16, 16));
      f.requestRaw("garbage", "{not json".getBytes(StandardCharsets.UTF_8));
      f.requestRaw(null, "\u0000\u0001".getBytes(StandardCharsets.UTF_8));
      f.putInput("fine", TestModels.image(16, 16, 3));
      f.request(f.claimCheck("fine", "good", null, Direction.AtoB, 16, 16));

      List<String> bad =
          List.of("unknown-model", "unknown-version", "missing-input", "not-an-image", "garbage");
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                assertThat(bad).allSatisfy(id -> assertThat(f.results(id)).isNotEmpty());
                assertThat(f.results("fine")).isNotEmpty();
                assertThat(f.deadLetters()).hasSize(6);
              });

      assertThat(bad)
          .allSatisfy(
              id -> {
                TranslateResult r = f.results(id).get(0);
                assertThat(r.status()).isEqualTo(TranslateResult.Status.error);
                assertThat(f.store.exists(ObjectKeys.resultDocument(id))).isTrue();
              });
      assertThat(f.results("unknown-model").get(0).error()).contains("no-such-model");
      assertThat(f.results("unknown-version").get(0).error()).contains("v9").contains("good");
      assertThat(f.results("missing-input").get(0).error())
          .contains(ObjectKeys.requestInput("missing-input"));
      assertThat(f.results("not-an-image").get(0).error()).contains("not a readable image");
      assertThat(f.results("garbage").get(0).error()).contains("bad claim check");
      assertThat(f.results("fine").get(0).status()).isEqualTo(TranslateResult.Status.ok);

      List<String> stages =
          f.deadLetters().stream().map(WorkerFixture::deadLetter).map(DeadLetter::stage).toList();
      assertThat(stages)
          .containsExactlyInAnyOrder(
              "inference.model",
              "inference.model",
              "inference.input",
              "inference.input",
              "inference.claim-check",
              "inference.claim-check");
      for (ConsumerRecord<byte[], byte[]> r : f.deadLetters()) {
        DeadLetter d = WorkerFixture.deadLetter(r);
        assertThat(d.sourceTopic()).isEqualTo(f.requestsTopic);
        assertThat(d.errorMessage()).isNotBlank();
      }
    }
  }
}
