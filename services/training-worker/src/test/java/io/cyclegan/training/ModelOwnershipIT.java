package io.cyclegan.training;

import static io.cyclegan.common.messages.TrainingEvent.Type.failed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cyclegan.common.messages.TrainingCommand;
import io.cyclegan.common.messages.TrainingEvent;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.LocalStackExtension;
import io.cyclegan.training.job.JobStatus;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A protected model (CYCLEGAN_MODEL_PUBLISHERS) is published only by its publishers: a start
 * command from anyone else, or from nobody named, fails with PUBLISHER_NOT_ALLOWED before anything
 * runs, and nothing is written under the model's prefix.
 */
@ExtendWith(LocalStackExtension.class)
class ModelOwnershipIT {
  private TrainingFixture fixture;

  @BeforeEach
  void setUp(LocalStack stack) throws Exception {
    fixture = new TrainingFixture(stack);
  }

  @AfterEach
  void tearDown() {
    fixture.close();
  }

  @Test
  void shouldRefuseAStartCommandForAProtectedModelFromAnyoneButItsPublishers() throws Exception {
    String model = fixture.name("guarded");
    String anonymous = fixture.name("job-anonymous");
    String mallory = fixture.name("job-mallory");
    String forged = fixture.name("job-forged");
    TrainingConfig config =
        fixture.config("w1", Map.of("CYCLEGAN_MODEL_PUBLISHERS", model + "=alice,bob"));
    try (TrainingWorker worker = new TrainingWorker(config, "127.0.0.1")) {
      worker.start();
      assertThat(worker.awaitReady(Duration.ofSeconds(60))).isTrue();
      Map<String, Object> params = TrainingFixture.tinyParams(1, 1);
      fixture.send(TrainingCommand.start(anonymous, model, "d", params));
      fixture.sendAs("mallory", TrainingCommand.start(mallory, model, "d", params));
      fixture.sendAs("alice\r\nFORGED", TrainingCommand.start(forged, model, "d", params));

      for (String job : new String[] {anonymous, mallory, forged}) {
        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(() -> assertThat(fixture.types(job)).containsExactly(failed));
        TrainingEvent e = fixture.events(job).get(0).event();
        assertThat(e.reason()).isEqualTo("PUBLISHER_NOT_ALLOWED");
        assertThat(e.error()).startsWith("PUBLISHER_NOT_ALLOWED: ").contains(model);
        assertThat(fixture.state(job).state()).isEqualTo(JobStatus.failed);
        assertThat(fixture.deadLetters(job)).hasSize(1);
      }
      assertThat(fixture.events(mallory).get(0).event().error()).contains("mallory");
      assertThat(fixture.store.list(ObjectKeys.modelPrefix(model))).isEmpty();
    }
  }
}
