package io.cyclegan.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cyclegan.common.messages.Direction;
import io.cyclegan.common.messages.TranslateRequest;
import io.cyclegan.common.messages.TranslateResult;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.LocalStackExtension;
import io.cyclegan.localstack.ServiceProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

@ExtendWith(LocalStackExtension.class)
class CrashRecoveryIT {
  private static final Logger log = LoggerFactory.getLogger(CrashRecoveryIT.class);

  @Test
  void shouldLeaveNoRequestWithoutResultWhenAWorkerIsKilledMidBatch(LocalStack stack) {
    byte[] gens = TestModels.generators(16, 2, 61);
    try (WorkerFixture f = new WorkerFixture(stack, "crash")) {
      f.publishModel("crash", "v1", gens);
      Map<String, String> env =
          Map.of("CYCLEGAN_MAX_BATCH", "4", "CYCLEGAN_MAX_BATCH_DELAY_MS", "20");
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        String id = "crash-" + i;
        f.putInput(id, TestModels.image(48, 48, i));
        ids.add(id);
      }
      ids.subList(0, 40).forEach(id -> f.request(claimCheck(f, id)));
      InferenceWorker first = f.startWorker(env);
      await().atMost(Duration.ofSeconds(60)).until(() -> f.allResults().size() >= 4);

      // A second worker joins the group while the first is busy: some partitions move to it
      // (the first finishes or gives up what it holds of them and commits before letting go).
      InferenceWorker second = f.startWorker(env);
      await().atMost(Duration.ofSeconds(60)).until(() -> !second.assignment().isEmpty());
      ids.subList(40, 100).forEach(id -> f.request(claimCheck(f, id)));
      // Killed while it holds requests: being decoded, in a batch, or being published.
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(2))
          .until(() -> first.inFlight() > 0);
      first.crash();

      await()
          .atMost(Duration.ofSeconds(120))
          .untilAsserted(
              () -> assertThat(ids).allSatisfy(id -> assertThat(f.results(id)).isNotEmpty()));
      assertThat(f.allResults().values())
          .allSatisfy(
              rs ->
                  assertThat(rs)
                      .allSatisfy(
                          r -> assertThat(r.status()).isEqualTo(TranslateResult.Status.ok)));
      assertThat(ids)
          .allSatisfy(id -> assertThat(f.store.exists(ObjectKeys.resultOutput(id))).isTrue());

      // A graceful stop commits everything it answered: a restarted worker would repeat nothing.
      f.closeWorkers();
      assertThat(f.committedOffsets()).isEqualTo(f.endOffsets());
    }
  }

  @Test
  void shouldDeliverEveryResultWhenTheWorkerProcessIsKilledMidWork(LocalStack stack) {
    try (WorkerFixture f = new WorkerFixture(stack, "kill9")) {
      f.publishModel("kill9", "v1", TestModels.generators(8, 2, 62));
      // A short session: the group notices the killed member in seconds, not 45.
      Map<String, String> env =
          Map.of(
              "CYCLEGAN_MAX_BATCH", "4",
              "KAFKA_SESSION_TIMEOUT_MS", "8000",
              "KAFKA_HEARTBEAT_INTERVAL_MS", "1000");
      List<TranslateRequest> requests = f.inputs("kill9", 60, "kill9", 32);
      try (ServiceProcess first =
          ServiceProcess.builder()
              .setMainClass(InferenceWorkerMain.class.getName())
              .optEnv(f.env(env))
              .optJvmOptions(List.of("-Xmx768m"))
              .optSystemProperties(Map.of("ai.djl.offline", "true"))
              .build()
              .start()) {
        first.awaitLog("inference worker consuming", Duration.ofSeconds(120));
        f.requestAll(requests);
        await()
            .atMost(Duration.ofSeconds(90))
            .until(() -> f.allResults().size() >= 4 || !first.isAlive());
        assertThat(first.isAlive()).as("first worker:%n%s", first.logTail(30)).isTrue();
        first.kill(); // SIGKILL, mid-work: nothing runs after it
        assertThat(f.allResults().size()).as("answered when killed").isLessThan(requests.size());
      }

      f.startWorker(env);
      List<String> ids = Promises.ids(requests);
      await()
          .atMost(Duration.ofSeconds(120))
          .untilAsserted(() -> Promises.everyRequestAnsweredOk(f, ids));
      log.info("duplicate results after kill -9: {}", Promises.duplicates(f, ids));
      assertThat(f.deadLetters()).isEmpty();
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> Promises.committedReachesEnd(f));
    }
  }

  private static TranslateRequest claimCheck(WorkerFixture f, String id) {
    return f.claimCheck(id, "crash", null, Direction.AtoB, 48, 48);
  }
}
