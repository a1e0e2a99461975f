package io.cyclegan.ingest.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cyclegan.ingest.IngestConfig;
import io.cyclegan.ingest.IngestService;
import io.cyclegan.ingest.StackFixtures;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.LocalStackExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An error no retry can fix stops the loop on purpose: two processes given the same static member
 * id ({@code CYCLEGAN_INSTANCE_ID}) fence each other, and the fenced one reports it and turns
 * unready instead of polling on.
 */
@ExtendWith(LocalStackExtension.class)
class FencedConsumerIT {

  @Test
  void shouldStopAndTurnUnreadyWhenAnotherInstanceTakesItsStaticId(LocalStack stack)
      throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String topic = "it.fenced." + run;
    StackFixtures.createTopics(stack, topic, 1);
    IngestConfig config =
        StackFixtures.config(
            stack,
            "CYCLEGAN_TOPIC_IMAGES_IN",
            topic,
            "CYCLEGAN_GROUP_ID",
            "ingest-fenced-" + run,
            "CYCLEGAN_INSTANCE_ID",
            "ingest-0");
    AtomicReference<String> died = new AtomicReference<>();

    try (IngestService first = new IngestService(config, IngestService.LOOPBACK)) {
      first.runtime().liveness().onDeath(died::set);
      first.start();
      await().atMost(Duration.ofSeconds(30)).until(() -> status(first, "/readyz") == 200);
      try (IngestService second = new IngestService(config, IngestService.LOOPBACK).start()) {
        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(() -> assertThat(died.get()).isEqualTo(ImagesConsumer.LOOP_NAME));
        assertThat(first.runtime().liveness().reason(ImagesConsumer.LOOP_NAME))
            .contains(FencedInstanceIdException.class.getSimpleName());
        assertThat(status(first, "/readyz")).isEqualTo(503);
        assertThat(status(first, "/healthz")).isEqualTo(503);
      }
    }
  }

  private static int status(IngestService service, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.metricsPort() + path))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }
}
