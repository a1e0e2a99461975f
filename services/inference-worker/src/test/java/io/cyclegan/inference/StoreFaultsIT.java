package io.cyclegan.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cyclegan.common.messages.TranslateRequest;
import io.cyclegan.common.messages.TranslateResult;
import io.cyclegan.localstack.FaultProxy;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.LocalStackExtension;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The object store away (refusing or hung): requests wait, and fail only past their deadline. */
@ExtendWith(LocalStackExtension.class)
class StoreFaultsIT {

  @Test
  void shouldAnswerEveryRequestOkOnceWhenTheStoreIsAwayForAMinute(LocalStack stack)
      throws InterruptedException {
    try (WorkerFixture f = new WorkerFixture(stack, "s3-outage")) {
      f.publishModel("s3-outage", "v1", TestModels.generators(4, 1, 71));
      // One store call gives up after 20 s, a third of the outage: the request still waits, up to
      // its own deadline (10 minutes by default).
      InferenceWorker worker =
          f.startWorker(Map.of("CYCLEGAN_MAX_BATCH", "4", "CYCLEGAN_OUTAGE_BUDGET_SECONDS", "20"));
      List<TranslateRequest> before = f.inputs("before", 16, "s3-outage", 24);
      List<TranslateRequest> during = f.inputs("during", 16, "s3-outage", 24);
      f.requestAll(before.subList(0, 4));
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> f.allResults().size() == 4); // the model is loaded

      f.requestAll(before.subList(4, 16));
      stack.stopS3();
      try {
        f.requestAll(during);
        await().atMost(Duration.ofSeconds(30)).until(() -> worker.inFlight() >= during.size());
        Thread.sleep(60_000); // the outage's length, not synchronisation
      } finally {
        stack.startS3();
      }

      List<String> ids = new ArrayList<>(Promises.ids(before));
      ids.addAll(Promises.ids(during));
      await()
          .atMost(Duration.ofSeconds(120))
          .untilAsserted(() -> Promises.everyRequestAnsweredOk(f, ids));
      Promises.everyRequestAnsweredOkOnce(f, ids);
      assertThat(f.deadLetters()).as("dead letters").isEmpty();
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> Promises.committedReachesEnd(f));
      assertThat(worker.registry().get("cyclegan.inference.deliveries.abandoned").counter().count())
          .isZero();
    }
  }

  @Test
  void shouldAnswerWithASafeErrorAndADeadLetterWhenTheStoreIsAwayPastTheDeadline(LocalStack stack) {
    try (WorkerFixture f = new WorkerFixture(stack, "s3-deadline")) {
      f.publishModel("s3-deadline", "v1", TestModels.generators(4, 1, 72));
      f.startWorker(Map.of("CYCLEGAN_INFERENCE_REQUEST_DEADLINE_SECONDS", "4"));
      List<TranslateRequest> warm = f.inputs("warm", 1, "s3-deadline", 16);
      List<TranslateRequest> late = f.inputs("late", 1, "s3-deadline", 16);
      f.requestAll(warm);
      await().atMost(Duration.ofSeconds(60)).until(() -> !f.results("warm-0").isEmpty());

      stack.stopS3();
      try {
        f.requestAll(late);
        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(
                () -> {
                  assertThat(f.results("late-0")).isNotEmpty();
                  assertThat(f.deadLetters()).hasSize(1);
                });
      } finally {
        stack.startS3();
      }

      assertThat(f.results("late-0")).hasSize(1);
      TranslateResult r = f.results("late-0").get(0);
      assertThat(r.status()).isEqualTo(TranslateResult.Status.error);
      assertThat(r.error())
          .contains("deadline")
          .contains("object store")
          .doesNotContain("127.0.0.1")
          .doesNotContain("localhost")
          .doesNotContain(String.valueOf(stack.s3Port()))
          .doesNotContain(stack.bucket())
          .doesNotContain("http");
      assertThat(WorkerFixture.deadLetter(f.deadLetters().get(0)).stage())
          .isEqualTo("inference.deadline");
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> Promises.committedReachesEnd(f));
    }
  }

  @Test
  void shouldWaitForABlackHoledStoreWhileHealthAnswersAtOnceAndReadinessSaysWhy(LocalStack stack) {
    try (FaultProxy s3 = FaultProxy.to("127.0.0.1", stack.s3Port()).start();
        WorkerFixture f = new WorkerFixture(stack, "s3-blackhole")) {
      f.publishModel("s3-blackhole", "v1", TestModels.generators(4, 1, 73));
      InferenceWorker worker =
          f.startWorker(Map.of("S3_ENDPOINT", "http://" + s3.address(), "CYCLEGAN_MAX_BATCH", "4"));
      List<TranslateRequest> warm = f.inputs("warm", 1, "s3-blackhole", 16);
      List<TranslateRequest> held = f.inputs("held", 8, "s3-blackhole", 16);
      f.requestAll(warm);
      await().atMost(Duration.ofSeconds(60)).until(() -> !f.results("warm-0").isEmpty());

      s3.blackhole();
      f.requestAll(held);
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> {
                HttpResponse<String> ready = WorkerFixture.side(worker.metricsPort(), "/readyz");
                assertThat(ready.statusCode()).isEqualTo(503);
                assertThat(ready.body()).contains("object-store failing");
              });
      long start = System.nanoTime();
      HttpResponse<String> health = WorkerFixture.side(worker.metricsPort(), "/healthz");
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
      assertThat(Promises.ids(held)).allSatisfy(id -> assertThat(f.results(id)).isEmpty());

      s3.pass();
      await()
          .atMost(Duration.ofSeconds(90))
          .untilAsserted(() -> Promises.everyRequestAnsweredOk(f, Promises.ids(held)));
      Promises.everyRequestAnsweredOkOnce(f, Promises.ids(held));
      assertThat(f.deadLetters()).isEmpty();
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> Promises.committedReachesEnd(f));
    }
  }
}
