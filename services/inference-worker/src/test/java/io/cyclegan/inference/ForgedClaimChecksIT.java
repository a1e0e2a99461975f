package io.cyclegan.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cyclegan.common.config.KafkaSettings;
import io.cyclegan.common.image.ImageValidator;
import io.cyclegan.common.kafka.KafkaClients;
import io.cyclegan.common.messages.DeadLetter;
import io.cyclegan.common.messages.Direction;
import io.cyclegan.common.messages.Headers;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.messages.OutputFormat;
import io.cyclegan.common.messages.Topics;
import io.cyclegan.common.messages.TranslateRequest;
import io.cyclegan.common.messages.TranslateResult;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.common.testkit.LogCapture;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.LocalStackExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What an attacker who can write the claim-check topic would try (issue 12, docs/security.md): make
 * the worker read what is not the request's (a dataset image, a model, another request's input, a
 * path out of the prefix, an object too big to hold), write its result onto a pipeline topic, or
 * smuggle path tricks and line breaks through the claim check's fields. Each case is refused with
 * an error result naming the reason and a dead letter, and nothing is written where it must not be.
 */
@ExtendWith(LocalStackExtension.class)
class ForgedClaimChecksIT {
  private static final Duration WAIT = Duration.ofSeconds(90);

  @Test
  void shouldRefuseInputKeysOutsideTheRequestsOwnPrefixAndObjectsAboveTheLimit(LocalStack stack) {
    try (WorkerFixture f = new WorkerFixture(stack, "forged-keys")) {
      f.publishModel("good", "v1", TestModels.generators(4, 1, 51));
      byte[] png = ImageValidator.encodePng(TestModels.image(16, 16, 5));
      String datasetKey = ObjectKeys.datasetImage("private-ds", "A", "a".repeat(64));
      f.store.put(datasetKey, png, "image/png");
      f.putInput("victim", TestModels.image(16, 16, 6));
      f.store.put(ObjectKeys.requestInput("big"), new byte[4096], "image/png");
      f.startWorker(Map.of("CYCLEGAN_MAX_INPUT_BYTES", "2048"));

      Map<String, String> forged = new LinkedHashMap<>();
      forged.put("steal-dataset", datasetKey);
      forged.put("steal-model", ObjectKeys.modelLatest("good"));
      forged.put("steal-generators", ObjectKeys.modelGenerators("good", "v1"));
      forged.put("dot-dot", "requests/dot-dot/../victim/input.png");
      forged.put("other-request", ObjectKeys.requestInput("victim"));
      forged.put("nested", "requests/nested/x/input.png");
      forged.forEach((id, key) -> f.request(claimCheck(f, id, key, null)));
      f.request(claimCheck(f, "big", ObjectKeys.requestInput("big"), null));

      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                assertThat(forged.keySet())
                    .allSatisfy(id -> assertThat(f.results(id)).isNotEmpty());
                assertThat(f.results("big")).isNotEmpty();
                assertThat(f.deadLetters()).hasSize(forged.size() + 1);
              });
      assertThat(forged.keySet())
          .allSatisfy(
              id -> {
                TranslateResult r = f.results(id).get(0);
                assertThat(r.status()).isEqualTo(TranslateResult.Status.error);
                assertThat(r.reason()).isEqualTo("INPUT_KEY_OUTSIDE_REQUEST");
                assertThat(r.error()).startsWith("INPUT_KEY_OUTSIDE_REQUEST: ");
                assertThat(f.store.exists(ObjectKeys.resultOutput(id))).isFalse();
              });
      TranslateResult big = f.results("big").get(0);
      assertThat(big.reason()).isEqualTo("INPUT_TOO_LARGE");
      assertThat(big.error()).contains("2048").doesNotContain(f.store.bucket());
      assertThat(f.store.exists(ObjectKeys.resultOutput("big"))).isFalse();
      assertThat(f.store.exists(ObjectKeys.resultOutput("victim"))).isFalse();
      assertThat(f.deadLetters().stream().map(WorkerFixture::deadLetter).map(DeadLetter::stage))
          .containsOnly("inference.claim-check", "inference.input");
    }
  }

  @Test
  void shouldAnswerOnTheResultsTopicAndWriteNothingOnAPipelineTopicNamedAsReplyTopic(
      LocalStack stack) {
    try (WorkerFixture f = new WorkerFixture(stack, "forged-replies")) {
      f.publishModel("good", "v1", TestModels.generators(4, 1, 51));
      Topics topics = Topics.fromEnv(f.env(Map.of()));
      List<String> pipelineTopics = new ArrayList<>();
      for (String t : topics.all()) {
        if (!t.equals(topics.translateResults())) {
          pipelineTopics.add(t);
        }
        pipelineTopics.add(topics.dlq(t));
      }
      pipelineTopics.add("__consumer_offsets");
      pipelineTopics.add("not.on.the.list");
      f.startWorker(Map.of());

      Map<String, String> idToTopic = new LinkedHashMap<>();
      for (int i = 0; i < pipelineTopics.size(); i++) {
        // Not "reply-N": TranslationIT answers "reply-1" in the same store, with an output.
        String id = "refused-reply-" + i;
        idToTopic.put(id, pipelineTopics.get(i));
        f.putInput(id, TestModels.image(16, 16, i));
        f.request(claimCheck(f, id, ObjectKeys.requestInput(id), pipelineTopics.get(i)));
      }
      f.putInput("allowed", TestModels.image(16, 16, 99));
      f.request(
          claimCheck(f, "allowed", ObjectKeys.requestInput("allowed"), "cyclegan.replies.it"));

      await()
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThat(idToTopic.keySet())
                      .allSatisfy(id -> assertThat(f.results(id)).isNotEmpty()));
      assertThat(idToTopic.keySet())
          .allSatisfy(
              id -> {
                TranslateResult r = f.results(id).get(0);
                assertThat(r.status())
                    .as(idToTopic.get(id))
                    .isEqualTo(TranslateResult.Status.error);
                assertThat(r.reason()).as(idToTopic.get(id)).isEqualTo("REPLY_TOPIC_NOT_ALLOWED");
                assertThat(f.store.exists(ObjectKeys.resultOutput(id))).isFalse();
              });
      assertThat(f.deadLetters()).hasSize(idToTopic.size());
      Set<String> ids = idToTopic.keySet();
      try (KafkaClients clients =
          new KafkaClients(KafkaSettings.of(stack.bootstrapServers()), null, "it-tap")) {
        for (String topic : new java.util.LinkedHashSet<>(pipelineTopics)) {
          // The requests topic and its dead letters hold the claim checks: only a result is wrong.
          List<String> written = keysOn(clients, topic, TranslateResult.SCHEMA);
          assertThat(written).as("keys on " + topic).doesNotContainAnyElementsOf(ids);
        }
        await()
            .atMost(WAIT)
            .untilAsserted(
                () -> assertThat(keysOn(clients, "cyclegan.replies.it", null)).contains("allowed"));
      }
    }
  }

  @Test
  void shouldRefusePathLikeOversizedAndLineBreakingFieldsWithoutForgingALogLine(LocalStack stack) {
    try (WorkerFixture f = new WorkerFixture(stack, "forged-fields");
        LogCapture logs = new LogCapture()) {
      f.publishModel("good", "v1", TestModels.generators(4, 1, 51));
      f.startWorker(Map.of());
      String longId = "r".repeat(300);
      Map<String, Map<String, Object>> cases = new LinkedHashMap<>();
      cases.put("id-dotdot", Map.of("requestId", "../x", "model", "good"));
      cases.put("id-slash", Map.of("requestId", "a/b", "model", "good"));
      cases.put("id-long", Map.of("requestId", longId, "model", "good"));
      cases.put("id-crlf", Map.of("requestId", "x\r\nFORGED id", "model", "good"));
      cases.put("model-dotdot", Map.of("requestId", "model-dotdot", "model", "../x"));
      cases.put("model-slash", Map.of("requestId", "model-slash", "model", "a/b"));
      cases.put("model-long", Map.of("requestId", "model-long", "model", "m".repeat(300)));
      cases.put("model-crlf", Map.of("requestId", "model-crlf", "model", "good\nFORGED model"));
      cases.put(
          "version-crlf",
          Map.of("requestId", "version-crlf", "model", "good", "modelVersion", "v1\r\nFORGED v"));
      cases.put(
          "reply-crlf",
          Map.of("requestId", "reply-crlf", "model", "good", "replyTopic", "x\nFORGED reply"));
      cases.put(
          "key-crlf",
          Map.of(
              "requestId",
              "key-crlf",
              "model",
              "good",
              "inputKey",
              "requests/key-crlf/in\nFORGED key.png"));
      for (Map.Entry<String, Map<String, Object>> c : cases.entrySet()) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("schema", TranslateRequest.SCHEMA);
        doc.put("bucket", f.store.bucket());
        doc.put("inputKey", "requests/" + c.getValue().get("requestId") + "/input.png");
        doc.put("direction", "AtoB");
        doc.put("receivedAt", Instant.now().toString());
        doc.putAll(c.getValue());
        f.requestRaw(c.getKey() + "\nFORGED key", json(doc));
      }

      await().atMost(WAIT).untilAsserted(() -> assertThat(f.deadLetters()).hasSize(cases.size()));
      // Answered under the readable id only; refused as a bad claim check or a forged key.
      for (String id : List.of("model-dotdot", "model-slash", "model-long", "model-crlf")) {
        await().atMost(WAIT).untilAsserted(() -> assertThat(f.results(id)).isNotEmpty());
        assertThat(f.results(id).get(0).reason()).isEqualTo("BAD_CLAIM_CHECK");
      }
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                assertThat(f.results("reply-crlf")).isNotEmpty();
                assertThat(f.results("key-crlf")).isNotEmpty();
              });
      assertThat(f.results("reply-crlf").get(0).reason()).isEqualTo("REPLY_TOPIC_NOT_ALLOWED");
      assertThat(f.results("key-crlf").get(0).reason()).isEqualTo("INPUT_KEY_OUTSIDE_REQUEST");
      assertThat(f.allResults().keySet())
          .allSatisfy(id -> assertThat(id).doesNotContain("/", "\n", "\r").hasSizeLessThan(129));
      assertThat(f.store.list("results/").stream().map(o -> o.key()))
          .noneMatch(k -> k.contains("..") || k.contains("\n") || k.contains(longId));
      assertThat(logs.mentioning("FORGED")).isPositive();
      assertThat(logs.forgedLines("FORGED")).isEmpty();
    }
  }

  private static TranslateRequest claimCheck(
      WorkerFixture f, String id, String inputKey, String replyTopic) {
    return TranslateRequest.of(
        id,
        f.store.bucket(),
        inputKey,
        "good",
        null,
        Direction.AtoB,
        replyTopic,
        16,
        16,
        Instant.now(),
        OutputFormat.png);
  }

  private static byte[] json(Map<String, Object> doc) {
    try {
      return MessageCodec.mapper().writeValueAsBytes(doc);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The keys of the records on {@code topic} now (of those whose {@code ce_type} is {@code type},
   * when given); empty when the topic does not exist.
   */
  private static List<String> keysOn(KafkaClients clients, String topic, String type) {
    try (AdminClient admin = clients.admin()) {
      if (!admin.listTopics().names().get().contains(topic)) {
        return List.of();
      }
      List<TopicPartition> parts =
          admin
              .describeTopics(List.of(topic))
              .allTopicNames()
              .get()
              .get(topic)
              .partitions()
              .stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .collect(Collectors.toList());
      try (KafkaConsumer<byte[], byte[]> consumer = clients.consumer("tap", null)) {
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
        Map<TopicPartition, Long> end = consumer.endOffsets(parts);
        List<String> keys = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 30_000;
        while (parts.stream().anyMatch(p -> consumer.position(p) < end.get(p))
            && System.currentTimeMillis() < deadline) {
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            Header ceType = r.headers().lastHeader(Headers.CE_TYPE);
            boolean ofType =
                type == null
                    || (ceType != null
                        && type.equals(new String(ceType.value(), StandardCharsets.UTF_8)));
            if (r.key() != null && ofType) {
              keys.add(new String(r.key(), StandardCharsets.UTF_8));
            }
          }
        }
        return keys;
      }
    } catch (Exception e) {
      throw new IllegalStateException("cannot read " + topic, e);
    }
  }
}
