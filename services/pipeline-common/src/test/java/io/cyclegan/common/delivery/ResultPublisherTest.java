package io.cyclegan.common.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cyclegan.common.delivery.ResultPublisher.Published;
import io.cyclegan.common.messages.Direction;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.messages.Topics;
import io.cyclegan.common.messages.TranslateResult;
import io.cyclegan.common.trust.ReplyTopics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ResultPublisherTest {
  private static final Topics TOPICS = Topics.DEFAULTS;
  private static final String RESULTS = TOPICS.translateResults();
  private static final String REPLIES = "cyclegan.replies.team-a";

  private final ReplyTopics replyTopics = new ReplyTopics(TOPICS, ReplyTopics.DEFAULT_PATTERNS);
  private final Failing replyProducer = new Failing();
  private final Failing resultsProducer = new Failing();
  private final ExecutorService executor = Executors.newFixedThreadPool(2);
  private final AtomicLong now = new AtomicLong();
  private final ResultPublisher publisher =
      new ResultPublisher(
          replyTopics, replyProducer, resultsProducer, executor, executor, "test", now::get);

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  private static TranslateResult result(String id) {
    return TranslateResult.error(id, "zebra", Direction.AtoB, "refused");
  }

  private static Published get(CompletableFuture<Published> f) {
    try {
      return f.get(10, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static Throwable failure(CompletableFuture<Published> f) {
    await().atMost(Duration.ofSeconds(10)).until(f::isDone);
    try {
      f.get();
      throw new AssertionError("expected a failure, got " + f.join());
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    } catch (ExecutionException e) {
      return ResultPublisher.unwrap(e.getCause());
    }
  }

  @Test
  void shouldChooseAnAllowedReplyTopicElseTheResultsTopic() {
    assertThat(publisher.topicFor(REPLIES)).isEqualTo(REPLIES);
    assertThat(publisher.topicFor(null)).isEqualTo(RESULTS);
    assertThat(publisher.topicFor(" ")).isEqualTo(RESULTS);
    assertThat(publisher.topicFor("someone.else")).isEqualTo(RESULTS);
    assertThat(publisher.topicFor(TOPICS.trainingCommands())).isEqualTo(RESULTS);
    assertThat(publisher.topicFor(RESULTS)).isEqualTo(RESULTS);
  }

  @Test
  void shouldPublishToTheAllowedReplyTopicKeyedByTheRequestId() {
    Published p = get(publisher.publish(REPLIES, result("r1")));

    assertThat(p.topic()).isEqualTo(REPLIES);
    assertThat(p.fellBack()).isFalse();
    assertThat(replyProducer.history())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.topic()).isEqualTo(REPLIES);
              assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("r1");
              assertThat(MessageCodec.decode(r.value(), TranslateResult.class).requestId())
                  .isEqualTo("r1");
            });
    assertThat(resultsProducer.history()).isEmpty();
  }

  @Test
  void shouldPublishARefusedReplyTopicsResultOnTheResultsTopicWithoutTryingIt() {
    Published p = get(publisher.publish(TOPICS.datasets(), result("r2")));

    assertThat(p.topic()).isEqualTo(RESULTS);
    assertThat(p.fellBack()).isFalse();
    assertThat(replyProducer.history()).isEmpty();
    assertThat(resultsProducer.history())
        .extracting(ProducerRecord::topic)
        .containsExactly(RESULTS);
  }

  @Test
  void shouldFallBackToTheResultsTopicWhenTheReplyTopicCannotBeWrittenAndRememberIt() {
    replyProducer.failing.add(REPLIES);

    Published first = get(publisher.publish(REPLIES, result("r3")));

    assertThat(first.topic()).isEqualTo(RESULTS);
    assertThat(first.fellBack()).isTrue();
    assertThat(replyProducer.history()).extracting(ProducerRecord::topic).containsExactly(REPLIES);
    assertThat(resultsProducer.history())
        .extracting(ProducerRecord::topic)
        .containsExactly(RESULTS);

    Published second = get(publisher.publish(REPLIES, result("r4")));

    assertThat(second.topic()).isEqualTo(RESULTS);
    assertThat(second.fellBack()).isTrue();
    assertThat(replyProducer.history()).as("remembered: not tried again").hasSize(1);

    now.addAndGet(ResultPublisher.REMEMBER_UNWRITABLE.toNanos() + 1);
    replyProducer.failing.clear();
    Published later = get(publisher.publish(REPLIES, result("r5")));

    assertThat(later.topic()).as("tried again after a minute").isEqualTo(REPLIES);
  }

  @Test
  void shouldFallBackWhenTheSendIsRefusedBeforeSending() {
    replyProducer.throwing.add(REPLIES);

    Published p = get(publisher.publish(REPLIES, result("r6")));

    assertThat(p.topic()).isEqualTo(RESULTS);
    assertThat(p.fellBack()).isTrue();
  }

  @Test
  void shouldFailWithTheResultsTopicsErrorAndNotRememberTheReplyTopicWhenBothFail() {
    replyProducer.failing.add(REPLIES);
    resultsProducer.failing.add(RESULTS);

    assertThat(failure(publisher.publish(REPLIES, result("r7"))))
        .isInstanceOf(TimeoutException.class);

    resultsProducer.failing.clear();
    replyProducer.failing.clear();
    assertThat(get(publisher.publish(REPLIES, result("r8"))).topic())
        .as("the broker was at fault, not the topic")
        .isEqualTo(REPLIES);
  }

  @Test
  void shouldFailWhenTheResultsTopicFails() {
    resultsProducer.failing.add(RESULTS);

    assertThat(failure(publisher.publish(null, result("r9")))).isInstanceOf(TimeoutException.class);
  }

  @Test
  void shouldNeverSendToAReplyTopicOnTheCallersThread() {
    List<Thread> senders = new ArrayList<>();
    replyProducer.onSend = () -> senders.add(Thread.currentThread());

    get(publisher.publish(REPLIES, result("r10")));

    assertThat(senders).singleElement().isNotSameAs(Thread.currentThread());
  }

  @Test
  void shouldSendOnTheCallersThreadWhenItMayBlockAndFallBackOnTheExecutor() {
    List<Thread> senders = new CopyOnWriteArrayList<>();
    replyProducer.onSend = () -> senders.add(Thread.currentThread());
    resultsProducer.onSend = () -> senders.add(Thread.currentThread());
    replyProducer.failing.add(REPLIES);
    ResultPublisher direct =
        new ResultPublisher(
            replyTopics, replyProducer, resultsProducer, Runnable::run, executor, "test");

    Published p = get(direct.publish(REPLIES, result("r14")));

    assertThat(p.topic()).isEqualTo(RESULTS);
    assertThat(senders).hasSize(2);
    assertThat(senders.get(0)).isSameAs(Thread.currentThread());
    assertThat(senders.get(1)).isNotSameAs(Thread.currentThread());
  }

  @Test
  void shouldFailWithoutBlockingWhenTheExecutorNoLongerTakesWork() {
    Executor refusing =
        task -> {
          throw new RejectedExecutionException("stopping");
        };
    ResultPublisher stopping =
        new ResultPublisher(
            replyTopics, replyProducer, resultsProducer, refusing, refusing, "test");

    assertThat(failure(stopping.publish(REPLIES, result("r11"))))
        .isInstanceOf(RejectedExecutionException.class);
    assertThat(replyProducer.history()).isEmpty();
  }

  @Test
  void shouldWriteTheDocumentBeforePublishingAndNothingWhenTheWriteFails() {
    List<String> order = new ArrayList<>();
    resultsProducer.onSend = () -> order.add("published");

    get(publisher.writeAndPublish((key, doc) -> order.add("document " + key), null, result("r12")));

    assertThat(order).containsExactly("document results/r12/result.json", "published");

    CompletableFuture<Published> none = null;
    try {
      none =
          publisher.writeAndPublish(
              (key, doc) -> {
                throw new IllegalStateException("store away");
              },
              null,
              result("r13"));
    } catch (IllegalStateException expected) {
      assertThat(expected).hasMessage("store away");
    }
    assertThat(none).isNull();
    assertThat(resultsProducer.history())
        .extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
        .containsExactly("r12");
  }

  /** Completes each send at once, or fails those for the given topics as a broker would. */
  private static final class Failing extends MockProducer<byte[], byte[]> {
    final Set<String> failing = ConcurrentHashMap.newKeySet();
    final Set<String> throwing = ConcurrentHashMap.newKeySet();
    volatile Runnable onSend = () -> {};

    Failing() {
      super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    public synchronized java.util.concurrent.Future<RecordMetadata> send(
        ProducerRecord<byte[], byte[]> record, Callback callback) {
      onSend.run();
      if (throwing.contains(record.topic())) {
        throw new TopicAuthorizationException(Set.of(record.topic()));
      }
      if (failing.contains(record.topic())) {
        super.send(record, (md, e) -> {}); // in the history like any attempt
        TimeoutException error =
            new TimeoutException("Topic " + record.topic() + " not present in metadata");
        callback.onCompletion(null, error);
        return CompletableFuture.failedFuture(error);
      }
      return super.send(record, callback);
    }
  }
}
