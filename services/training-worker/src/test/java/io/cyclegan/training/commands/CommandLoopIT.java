package io.cyclegan.training.commands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cyclegan.common.config.Env;
import io.cyclegan.common.fault.Dependency;
import io.cyclegan.common.fault.Retrier;
import io.cyclegan.common.fault.RetryPolicy;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.messages.Topics;
import io.cyclegan.common.messages.TrainingCommand;
import io.cyclegan.common.messages.TrainingEvent;
import io.cyclegan.common.runtime.DeadLetters;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.LocalStackExtension;
import io.cyclegan.training.artifacts.ModelPublisher;
import io.cyclegan.training.artifacts.StartingWeights;
import io.cyclegan.training.fleet.JobQueue;
import io.cyclegan.training.fleet.Leases;
import io.cyclegan.training.job.Attempts;
import io.cyclegan.training.job.CommandSource;
import io.cyclegan.training.job.JobEvents;
import io.cyclegan.training.job.JobState;
import io.cyclegan.training.job.JobStatus;
import io.cyclegan.training.job.JobStore;
import io.cyclegan.training.limits.ParamBounds;
import io.cyclegan.training.metrics.TrainingMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalStackExtension.class)
class CommandLoopIT {

  /** An events producer whose first send fails, as when the events topic is unreachable. */
  private static final class FirstSendFails extends MockProducer<byte[], byte[]> {
    final AtomicInteger attempts = new AtomicInteger();

    FirstSendFails() {
      super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    public synchronized Future<RecordMetadata> send(
        ProducerRecord<byte[], byte[]> record, Callback callback) {
      if (attempts.incrementAndGet() == 1) {
        return CompletableFuture.failedFuture(new TimeoutException("events topic unreachable"));
      }
      return super.send(record, callback);
    }
  }

  @Test
  void shouldReadTheCommandAgainWhenItsEventCannotBeSent(LocalStack stack) throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String topic = "cyclegan.training.commands.loop-" + suffix;
    String group = "loop-group-" + suffix;
    String jobId = "job-dup-" + suffix;
    ObjectStore store = io.cyclegan.common.testkit.StackKit.store(stack);
    JobStore jobs = new JobStore(store);
    // A job of that id already ran: a new start is answered with a `duplicate` event.
    jobs.write(
        JobState.accepted(jobId, "m", "d", Map.of(), new CommandSource("other", topic, 0, 0), "w0")
            .finished(JobStatus.failed, "earlier run"));
    Properties admin = new Properties();
    admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    try (Admin a = Admin.create(admin)) {
      a.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }

    FirstSendFails events = new FirstSendFails();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    // No budget: the handler gives up at the first failed send, so the loop must read it again.
    RetryPolicy noWait = new RetryPolicy(Duration.ZERO, Duration.ZERO, Duration.ZERO);
    try (KafkaProducer<byte[], byte[]> producer = TestKafka.producer(stack)) {
      CommandHandler handler =
          new CommandHandler(
              jobs,
              new JobEvents(events, "cyclegan.training.events", "/cyclegan/training/w1")
                  .withPolicy(noWait),
              new DeadLetters(producer, Topics.fromEnv(Map.of()), registry),
              new TrainingMetrics(registry),
              group,
              "cpu",
              "w1",
              ParamBounds.fromEnv(new Env(Map.of())),
              new Attempts(3),
              new ModelPublisher(
                  store,
                  producer,
                  "cyclegan.models",
                  "/cyclegan/training/w1",
                  Files.createTempDirectory("loop-it-"),
                  new Retrier(noWait, new Dependency("kafka"))),
              new StartingWeights(store, Files.createTempDirectory("loop-it-init-")),
              null,
              ModelPublishers.OPEN,
              new JobQueue(store),
              new Leases(store, "w1", false, Duration.ofSeconds(6)),
              (spec, fence) -> {
                throw new AssertionError("nothing should be launched, got " + spec.jobId());
              });
      CommandLoop loop = new CommandLoop(TestKafka.consumer(stack, group), topic, handler, noWait);
      Thread thread = new Thread(loop, "command-loop-it");
      thread.start();
      try {
        assertThat(loop.awaitAssignment(Duration.ofSeconds(30))).isTrue();
        producer
            .send(
                new ProducerRecord<>(
                    topic,
                    jobId.getBytes(StandardCharsets.UTF_8),
                    MessageCodec.encode(TrainingCommand.start(jobId, "m", "d", Map.of()))))
            .get(30, TimeUnit.SECONDS);

        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () ->
                    assertThat(events.history())
                        .extracting(r -> MessageCodec.decode(r.value(), TrainingEvent.class))
                        .extracting(TrainingEvent::type)
                        .containsExactly(TrainingEvent.Type.duplicate));
        assertThat(events.attempts).hasValue(2);
        assertThat(thread.isAlive()).as("the loop still reads commands").isTrue();
      } finally {
        loop.stop(Duration.ofSeconds(30));
        thread.join(10_000);
      }
    }
  }
}
