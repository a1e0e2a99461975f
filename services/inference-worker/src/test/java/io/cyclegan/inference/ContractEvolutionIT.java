package io.cyclegan.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cyclegan.common.messages.DeadLetter;
import io.cyclegan.common.messages.Direction;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.messages.TranslateResult;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.LocalStackExtension;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The open message contract (issue 13 part 7, docs/asyncapi.yaml "Evolution") through the real
 * worker: a claim check of the same major version with fields the worker does not know is
 * translated, one of another major version is refused with its own reason and dead-lettered.
 */
@ExtendWith(LocalStackExtension.class)
class ContractEvolutionIT {
  private static final Duration WAIT = Duration.ofSeconds(90);

  @Test
  void shouldTranslateANewerMinorClaimCheckAndRefuseAnotherMajorVersion(LocalStack stack) {
    try (WorkerFixture f = new WorkerFixture(stack, "evolution")) {
      f.publishModel("good", "v1", TestModels.generators(4, 1, 51));
      f.putInput("newer-minor", TestModels.image(16, 16, 1));
      f.putInput("next-major", TestModels.image(16, 16, 2));
      f.startWorker(Map.of());

      Map<String, Object> minor = claimCheck(f, "newer-minor", "cyclegan.translate.request/v1.4");
      minor.put("priority", "high");
      minor.put("tenant", Map.of("id", "t1", "tier", 3));
      f.requestRaw("newer-minor", json(minor));
      f.requestRaw(
          "next-major", json(claimCheck(f, "next-major", "cyclegan.translate.request/v2")));

      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                assertThat(f.results("newer-minor")).isNotEmpty();
                assertThat(f.results("next-major")).isNotEmpty();
                assertThat(f.deadLetters()).hasSize(1);
              });
      TranslateResult ok = f.results("newer-minor").get(0);
      assertThat(ok.status()).isEqualTo(TranslateResult.Status.ok);
      assertThat(f.output(ok).getWidth()).isEqualTo(16);
      TranslateResult refused = f.results("next-major").get(0);
      assertThat(refused.status()).isEqualTo(TranslateResult.Status.error);
      assertThat(refused.reason()).isEqualTo("UNSUPPORTED_SCHEMA_VERSION");
      assertThat(refused.error())
          .startsWith("UNSUPPORTED_SCHEMA_VERSION: ")
          .contains("cyclegan.translate.request/v2", "major version 1");
      DeadLetter letter = WorkerFixture.deadLetter(f.deadLetters().get(0));
      assertThat(letter.stage()).isEqualTo("inference.claim-check");
      assertThat(letter.errorMessage()).contains("UNSUPPORTED_SCHEMA_VERSION");
    }
  }

  private static Map<String, Object> claimCheck(WorkerFixture f, String id, String schema) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("schema", schema);
    doc.put("requestId", id);
    doc.put("bucket", f.store.bucket());
    doc.put("inputKey", "requests/" + id + "/input.png");
    doc.put("model", "good");
    doc.put("direction", Direction.AtoB.name());
    doc.put("width", 16);
    doc.put("height", 16);
    doc.put("receivedAt", java.time.Instant.now().toString());
    return doc;
  }

  private static byte[] json(Map<String, Object> doc) {
    try {
      return MessageCodec.mapper().writeValueAsBytes(doc);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
