package io.cyclegan.ingest;

import static io.cyclegan.ingest.StackFixtures.image;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cyclegan.common.image.ImageValidator;
import io.cyclegan.common.image.TestImages;
import io.cyclegan.common.messages.Headers;
import io.cyclegan.common.messages.Topics;
import io.cyclegan.common.store.ObjectInfo;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.LocalStackExtension;
import io.cyclegan.localstack.ServiceProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The promise: nothing is lost when ingest is killed with SIGKILL in the middle of its work. The
 * service runs {@code IngestMain} in a JVM of its own; it is killed once the first outputs appear,
 * and started again. Then every dataset image is stored exactly once (content addressed, whatever
 * was redone), every translation request has its input and a claim check, and the committed offsets
 * reach the end.
 */
@ExtendWith(LocalStackExtension.class)
class KillIT {
  private static final int DATASET_IMAGES = 60;
  private static final int TRANSLATIONS = 20;
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  @Test
  void shouldLoseNothingAndStoreEachImageOnceWhenKilledMidBatchAndRestarted(LocalStack stack)
      throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String topic = "it.kill." + run;
    String group = "ingest-kill-" + run;
    String dataset = "kill-" + run;
    StackFixtures.createTopics(stack, topic, 2);
    ObjectStore store = StackFixtures.store(stack);
    List<String> requestIds = new ArrayList<>();

    try (ServiceProcess ingest =
            ServiceProcess.builder()
                .setMainClass(IngestMain.class.getName())
                .optEnv(env(stack, topic, group))
                .optJvmOptions(List.of("-Xmx256m"))
                .build()
                .start();
        KafkaProducer<byte[], byte[]> producer = StackFixtures.producer(stack);
        TopicTap events = new TopicTap(stack, Topics.DEFAULTS.datasets());
        TopicTap claims = new TopicTap(stack, Topics.DEFAULTS.translateRequests())) {
      ingest.awaitLog("ingest ready", START_TIMEOUT);
      for (int i = 0; i < DATASET_IMAGES; i++) {
        producer.send(
            image(
                topic,
                "img-" + i,
                TestImages.png(320, 320, 1000 + i),
                Headers.PURPOSE,
                "dataset",
                Headers.DATASET,
                dataset,
                Headers.DOMAIN,
                "A"));
        if (i % 3 == 0) {
          String requestId = "kill-" + run + "-" + requestIds.size();
          requestIds.add(requestId);
          producer.send(
              image(
                  topic,
                  requestId,
                  TestImages.png(64, 64, i),
                  Headers.PURPOSE,
                  "translate",
                  Headers.MODEL,
                  "zebra"));
        }
      }
      producer.flush();

      events.awaitKey(dataset, 1);
      int exit = ingest.kill();
      long announcedAtKill = events.drain(r -> dataset.equals(StackFixtures.key(r))).size();
      assertThat(exit).isEqualTo(137);
      assertThat(announcedAtKill).as("images announced when killed").isLessThan(DATASET_IMAGES);

      ingest.start();
      ingest.awaitLog("ingest ready", START_TIMEOUT);
      await()
          .atMost(Duration.ofSeconds(90))
          .until(() -> StackFixtures.uncommitted(stack, group, topic) == 0);

      List<ObjectInfo> stored = store.list(ObjectKeys.datasetDomainPrefix(dataset, "A"));
      assertThat(stored).hasSize(DATASET_IMAGES);
      Set<String> hashes = new HashSet<>();
      for (ObjectInfo o : stored) {
        String sha = ImageValidator.sha256(store.get(o.key()).orElseThrow());
        assertThat(o.key()).endsWith("/" + sha + ".png");
        hashes.add(sha);
      }
      assertThat(hashes).hasSize(DATASET_IMAGES);
      assertThat(requestIds).hasSize(TRANSLATIONS);
      for (String requestId : requestIds) {
        assertThat(store.exists(ObjectKeys.requestInput(requestId))).as(requestId).isTrue();
        assertThat(claims.awaitKey(requestId, 1)).as("claim checks of %s", requestId).isNotEmpty();
      }
    }
  }

  private static String emptyTokensFile() {
    try {
      Path file = Files.createTempFile("api-tokens", "");
      file.toFile().deleteOnExit();
      return file.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, String> env(LocalStack stack, String topic, String group) {
    Map<String, String> env = new HashMap<>(stack.connectionEnv());
    env.put("CYCLEGAN_METRICS_PORT", "0");
    env.put("CYCLEGAN_HTTP_PORT", "0");
    env.put("CYCLEGAN_INGEST_THREADS", "1");
    // IngestMain listens on every interface, where the API must have tokens; this test uses none.
    env.put("CYCLEGAN_API_TOKENS_FILE", emptyTokensFile());
    env.put("CYCLEGAN_TOPIC_IMAGES_IN", topic);
    env.put("CYCLEGAN_GROUP_ID", group);
    // The killed member never leaves the group: the broker drops it after 6 s, not 45 s.
    env.put("KAFKA_SESSION_TIMEOUT_MS", "6000");
    return env;
  }
}
