package io.cyclegan.ingest.consumer;

import static io.cyclegan.ingest.StackFixtures.image;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cyclegan.common.image.TestImages;
import io.cyclegan.common.messages.Headers;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.messages.Topics;
import io.cyclegan.common.messages.TranslateResult;
import io.cyclegan.ingest.IngestService;
import io.cyclegan.ingest.StackFixtures;
import io.cyclegan.ingest.TopicTap;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.LocalStackExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The promise: refused translation requests whose reply topic cannot be written are answered on the
 * results topic within seconds, and the poll loop is not held up meanwhile: the consumer stays in
 * its group (no rebalance, with a poll interval of 20 s), the committed offset reaches the end, and
 * the valid requests around them get exactly one claim check each.
 *
 * <p>The reply topics are valid names that the broker refuses to create, because they collide with
 * existing topics ({@code a.b} and {@code a_b}); a producer then waits {@code max.block.ms} for
 * their metadata, as it would for a missing topic with auto-creation off.
 */
@ExtendWith(LocalStackExtension.class)
class ReplyTopicIT {
  private static final int REFUSED_PER_TOPIC = 3;

  @Test
  void shouldAnswerOnTheResultsTopicQuicklyWhenTheReplyTopicCannotBeWritten(LocalStack stack)
      throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String topic = "it.replies." + run;
    String group = "ingest-replies-" + run;
    StackFixtures.createTopics(stack, topic, 1);
    List<String> unwritable = new ArrayList<>();
    for (String base : List.of("it.reply1." + run, "it.reply2." + run)) {
      StackFixtures.createTopics(stack, base, 1);
      unwritable.add(base.replace('.', '_'));
    }

    try (IngestService ingest =
            new IngestService(
                    StackFixtures.config(
                        stack,
                        "CYCLEGAN_TOPIC_IMAGES_IN",
                        topic,
                        "CYCLEGAN_GROUP_ID",
                        group,
                        "KAFKA_MAX_POLL_INTERVAL_MS",
                        "20000",
                        // allowed by name, unwritable by Kafka: the fallback, not the allow-list
                        "CYCLEGAN_REPLY_TOPICS",
                        "it_reply*"),
                    IngestService.LOOPBACK)
                .start();
        KafkaProducer<byte[], byte[]> producer = StackFixtures.producer(stack);
        TopicTap claims = new TopicTap(stack, Topics.DEFAULTS.translateRequests());
        TopicTap results = new TopicTap(stack, Topics.DEFAULTS.translateResults())) {
      Set<String> membersBefore = awaitOneMember(stack, group);

      List<String> valid = List.of("ok-1-" + run, "ok-2-" + run);
      List<String> refused = new ArrayList<>();
      producer.send(translate(topic, valid.get(0), TestImages.png(16, 16), null));
      for (String replyTopic : unwritable) {
        for (int i = 0; i < REFUSED_PER_TOPIC; i++) {
          String requestId = "bad-" + refused.size() + "-" + run;
          refused.add(requestId);
          byte[] notAnImage = ("not an image " + i).getBytes(StandardCharsets.UTF_8);
          producer.send(translate(topic, requestId, notAnImage, replyTopic));
        }
      }
      producer.send(translate(topic, valid.get(1), TestImages.png(16, 16), null)).get();

      // Before the fix each answer held the poll loop for max.block.ms (15 s), one after another.
      await()
          .atMost(Duration.ofSeconds(15))
          .untilAsserted(
              () ->
                  assertThat(
                          results
                              .await(r -> refused.contains(StackFixtures.key(r)), refused.size())
                              .stream()
                              .map(StackFixtures::key)
                              .collect(Collectors.toSet()))
                      .containsExactlyInAnyOrderElementsOf(refused));
      await()
          .atMost(Duration.ofSeconds(15))
          .until(() -> StackFixtures.uncommitted(stack, group, topic) == 0);

      List<ConsumerRecord<byte[], byte[]>> answers =
          results.drain(r -> refused.contains(StackFixtures.key(r)));
      assertThat(answers).hasSize(refused.size());
      assertThat(answers)
          .map(r -> MessageCodec.decode(r.value(), TranslateResult.class))
          .allSatisfy(
              result -> assertThat(result.status()).isEqualTo(TranslateResult.Status.error));
      for (String requestId : valid) {
        assertThat(claims.drain(r -> requestId.equals(StackFixtures.key(r))))
            .as("claim checks of %s", requestId)
            .hasSize(1);
      }
      assertThat(members(stack, group)).as("group members").isEqualTo(membersBefore);
    }
  }

  private static org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]> translate(
      String topic, String requestId, byte[] bytes, String replyTopic) {
    return replyTopic == null
        ? image(topic, requestId, bytes, Headers.PURPOSE, "translate", Headers.MODEL, "zebra")
        : image(
            topic,
            requestId,
            bytes,
            Headers.PURPOSE,
            "translate",
            Headers.MODEL,
            "zebra",
            Headers.REPLY_TOPIC,
            replyTopic);
  }

  private static Set<String> awaitOneMember(LocalStack stack, String group) throws Exception {
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions() // the group is unknown until the consumer has joined
        .until(() -> members(stack, group).size() == 1);
    return members(stack, group);
  }

  /** The member ids of the group: a member kicked for a slow poll comes back with a new id. */
  private static Set<String> members(LocalStack stack, String group) throws Exception {
    try (Admin admin = StackFixtures.admin(stack)) {
      return admin.describeConsumerGroups(List.of(group)).all().get().get(group).members().stream()
          .map(MemberDescription::consumerId)
          .collect(Collectors.toSet());
    }
  }
}
