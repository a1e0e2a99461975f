package io.cyclegan.ingest.consumer;

import static io.cyclegan.ingest.StackFixtures.image;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cyclegan.common.image.TestImages;
import io.cyclegan.common.messages.DatasetEvent;
import io.cyclegan.common.messages.Headers;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.messages.Topics;
import io.cyclegan.common.messages.TranslateRequest;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.ingest.IngestConfig;
import io.cyclegan.ingest.IngestService;
import io.cyclegan.ingest.StackFixtures;
import io.cyclegan.ingest.TopicTap;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.LocalStackExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * At-least-once delivery: a graceful close commits what was processed, and a batch delivered again
 * (as after a crash between the store write and the commit) rewrites the same objects and announces
 * them again without adding anything.
 */
@ExtendWith(LocalStackExtension.class)
class RedeliveryIT {

  @Test
  void shouldRedoEveryOutputIdempotentlyWhenABatchIsDeliveredAgain(LocalStack stack)
      throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String topic = "it.redelivery." + run;
    String group = "ingest-redelivery-" + run;
    StackFixtures.createTopics(stack, topic, 3);
    IngestConfig config =
        StackFixtures.config(stack, "CYCLEGAN_TOPIC_IMAGES_IN", topic, "CYCLEGAN_GROUP_ID", group);
    String dataset = "redo-" + run;
    String requestId = "redo-" + run;
    ObjectStore store = StackFixtures.store(stack);

    try (KafkaProducer<byte[], byte[]> producer = StackFixtures.producer(stack)) {
      for (int seed = 1; seed <= 2; seed++) {
        producer.send(
            image(
                topic,
                "img-" + seed,
                TestImages.png(16, 16, seed),
                Headers.PURPOSE,
                "dataset",
                Headers.DATASET,
                dataset,
                Headers.DOMAIN,
                "A"));
      }
      producer
          .send(
              image(
                  topic,
                  requestId,
                  TestImages.png(16, 16),
                  Headers.PURPOSE,
                  "translate",
                  Headers.MODEL,
                  "zebra"))
          .get();
    }

    byte[] inputBefore;
    try (TopicTap events = new TopicTap(stack, Topics.DEFAULTS.datasets());
        TopicTap claims = new TopicTap(stack, Topics.DEFAULTS.translateRequests())) {
      try (IngestService first = new IngestService(config, IngestService.LOOPBACK).start()) {
        events.awaitKey(dataset, 2);
        claims.awaitKey(requestId, 1);
      }
      Map<TopicPartition, Long> ends = assertCommittedToTheEnd(stack, group, topic);
      inputBefore = store.get(ObjectKeys.requestInput(requestId)).orElseThrow();

      rewindToTheStart(stack, group, ends.keySet());
      try (IngestService second = new IngestService(config, IngestService.LOOPBACK).start()) {
        List<DatasetEvent> all =
            events.awaitKey(dataset, 4).stream()
                .map(r -> MessageCodec.decode(r.value(), DatasetEvent.class))
                .toList();
        List<TranslateRequest> claimChecks =
            claims.awaitKey(requestId, 2).stream()
                .map(r -> MessageCodec.decode(r.value(), TranslateRequest.class))
                .toList();

        assertThat(all.subList(2, 4))
            .allSatisfy(
                e -> {
                  assertThat(e.duplicate()).isTrue();
                  assertThat(e.counts()).isEqualTo(Map.of("A", 2L, "B", 0L));
                });
        assertThat(claimChecks)
            .extracting(TranslateRequest::inputKey)
            .containsOnly(ObjectKeys.requestInput(requestId));
      }
    }
    assertThat(store.list(ObjectKeys.datasetDomainPrefix(dataset, "A"))).hasSize(2);
    assertThat(store.get(ObjectKeys.requestInput(requestId)).orElseThrow()).isEqualTo(inputBefore);
  }

  private static Admin admin(LocalStack stack) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    return Admin.create(p);
  }

  private static Map<TopicPartition, Long> assertCommittedToTheEnd(
      LocalStack stack, String group, String topic) throws Exception {
    try (Admin admin = admin(stack)) {
      Map<TopicPartition, OffsetSpec> latest =
          java.util.stream.IntStream.range(0, 3)
              .boxed()
              .collect(
                  Collectors.toMap(p -> new TopicPartition(topic, p), p -> OffsetSpec.latest()));
      Map<TopicPartition, Long> ends =
          admin.listOffsets(latest).all().get().entrySet().stream()
              .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      ends.forEach(
          (tp, end) -> {
            if (end > 0) {
              assertThat(committed.get(tp).offset()).as(tp.toString()).isEqualTo(end);
            }
          });
      return ends;
    }
  }

  private static void rewindToTheStart(
      LocalStack stack, String group, java.util.Set<TopicPartition> partitions) {
    try (Admin admin = admin(stack)) {
      // The group is empty once the first service has closed; the broker may take a moment to
      // see it leave.
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(
              () -> {
                admin
                    .alterConsumerGroupOffsets(
                        group,
                        partitions.stream()
                            .collect(Collectors.toMap(tp -> tp, tp -> new OffsetAndMetadata(0))))
                    .all()
                    .get();
                return true;
              });
    }
  }
}
