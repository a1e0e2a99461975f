package io.cyclegan.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cyclegan.common.messages.Direction;
import io.cyclegan.common.messages.ModelAnnouncement;
import io.cyclegan.common.messages.TranslateRequest;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.LocalStackExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The broker away: requests wait, results are published late, offsets catch up. */
@ExtendWith(LocalStackExtension.class)
class BrokerFaultsIT {
  private static final Logger log = LoggerFactory.getLogger(BrokerFaultsIT.class);

  /**
   * Longer than the producer's delivery timeout (120 s) and its longest block on metadata (60 s):
   * the results in flight fail inside the client and must be sent again.
   */
  private static final Duration LONG_OUTAGE = Duration.ofSeconds(150);

  @Test
  void shouldAnswerEveryRequestOkWhenTheBrokerIsAwayForLongerThanTheDeliveryTimeout(
      LocalStack stack) throws InterruptedException {
    try (WorkerFixture f = new WorkerFixture(stack, "kafka-outage")) {
      f.publishModel("kafka-outage", "v1", TestModels.generators(4, 1, 81));
      InferenceWorker worker = f.startWorker(Map.of("CYCLEGAN_MAX_BATCH", "4"));
      List<TranslateRequest> before = f.inputs("before", 16, "kafka-outage", 24);
      List<TranslateRequest> after = f.inputs("after", 8, "kafka-outage", 24);
      f.requestAll(before.subList(0, 4));
      await().atMost(Duration.ofSeconds(60)).until(() -> f.allResults().size() == 4);

      // Held in the prepare stage by a short store outage, so that they are certainly in flight
      // when the broker goes.
      stack.stopS3();
      f.requestAll(before.subList(4, 16));
      await().atMost(Duration.ofSeconds(30)).until(() -> worker.inFlight() == 12);
      stack.stopKafka();
      try {
        stack.startS3();
        Thread.sleep(LONG_OUTAGE.toMillis()); // the outage's length, not synchronisation
      } finally {
        stack.startKafka();
      }
      f.requestAll(after);

      List<String> ids = new ArrayList<>(Promises.ids(before));
      ids.addAll(Promises.ids(after));
      await()
          .atMost(Duration.ofSeconds(180))
          .untilAsserted(() -> Promises.everyRequestAnsweredOk(f, ids));
      log.info("duplicate results after the broker outage: {}", Promises.duplicates(f, ids));
      assertThat(f.deadLetters()).as("dead letters").isEmpty();
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> Promises.committedReachesEnd(f));
      assertThat(worker.registry().get("cyclegan.inference.deliveries.retried").counter().count())
          .as("results sent again after the delivery timeout")
          .isPositive();
    }
  }

  @Test
  void shouldRetryAnUnpublishedResultSoTheCommittedOffsetCatchesUp(LocalStack stack)
      throws InterruptedException {
    try (WorkerFixture f = new WorkerFixture(stack, "abandon")) {
      f.publishModel("abandon", "v1", TestModels.generators(4, 1, 82));
      // Results give up after 4 s without the broker: a short outage fails their publishing.
      InferenceWorker worker =
          f.startWorker(
              Map.of(
                  "KAFKA_DELIVERY_TIMEOUT_MS", "4000",
                  "KAFKA_REQUEST_TIMEOUT_MS", "3000",
                  "KAFKA_MAX_BLOCK_MS", "3000"));
      List<TranslateRequest> requests = f.inputs("abandon", 9, "abandon", 16);
      List<TranslateRequest> warm = f.inputs("warm", 1, "abandon", 16);
      f.requestAll(warm);
      await().atMost(Duration.ofSeconds(60)).until(() -> f.allResults().size() == 1);

      stack.stopS3();
      f.requestAll(requests);
      await().atMost(Duration.ofSeconds(30)).until(() -> worker.inFlight() == requests.size());
      stack.stopKafka();
      try {
        stack.startS3(); // the requests go on to publishing, which fails
        Thread.sleep(12_000); // the outage's length, not synchronisation
      } finally {
        stack.startKafka();
      }

      await()
          .atMost(Duration.ofSeconds(90))
          .untilAsserted(() -> Promises.everyRequestAnsweredOk(f, Promises.ids(requests)));
      assertThat(f.deadLetters()).isEmpty();
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> Promises.committedReachesEnd(f));
      assertThat(worker.registry().get("cyclegan.inference.deliveries.retried").counter().count())
          .isPositive();
      assertThat(worker.registry().get("cyclegan.inference.deliveries.abandoned").counter().count())
          .isZero();
    }
  }

  @Test
  void shouldHotSwapAfterTheBrokerComesBackWhenItWasAwayAtStartUp(LocalStack stack)
      throws InterruptedException {
    try (WorkerFixture f = new WorkerFixture(stack, "listener")) {
      f.publishModel("listener", "v1", TestModels.generators(4, 1, 83));
      stack.stopKafka();
      InferenceWorker worker;
      try {
        // Polling off: only the announcement can bring v2.
        worker = f.startWorker(Map.of("CYCLEGAN_MODEL_POLL_SECONDS", "3600"));
        // Longer than the listener's first wait for the topic's partitions (30 s before the fix).
        Thread.sleep(35_000); // the outage's length, not synchronisation
      } finally {
        stack.startKafka();
      }
      assertThat(WorkerFixture.side(worker.metricsPort(), "/healthz").statusCode()).isEqualTo(200);

      // v2 is announced on the topic only: latest.json still names v1.
      byte[] v2 = TestModels.generators(4, 1, 84);
      f.store.put(ObjectKeys.modelGenerators("listener", "v2"), v2, "application/octet-stream");
      f.announceOnly(
          ModelAnnouncement.of(
              "listener",
              "v2",
              f.store.bucket(),
              ObjectKeys.modelVersionPrefix("listener", "v2"),
              64,
              "job-v2",
              Map.of()));
      await()
          .atMost(Duration.ofSeconds(90))
          .untilAsserted(() -> assertThat(probe(f, "listener")).isEqualTo("v2"));
      assertThat(WorkerFixture.side(worker.metricsPort(), "/healthz").statusCode()).isEqualTo(200);
    }
  }

  /** Sends one request and returns the version that answered it. */
  static String probe(WorkerFixture f, String model) {
    String id = "probe-" + System.nanoTime();
    f.putInput(id, TestModels.image(16, 16, id.hashCode()));
    f.request(f.claimCheck(id, model, null, Direction.AtoB, 16, 16));
    await().atMost(Duration.ofSeconds(30)).until(() -> !f.results(id).isEmpty());
    return f.results(id).get(0).modelVersion();
  }
}
