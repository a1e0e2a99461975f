package io.cyclegan.training.fleet;

import io.cyclegan.common.config.Env;
import io.cyclegan.common.fault.Dependency;
import io.cyclegan.common.fault.Retrier;
import io.cyclegan.common.fault.RetryPolicy;
import io.cyclegan.common.messages.Topics;
import io.cyclegan.common.runtime.DeadLetters;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.training.artifacts.CheckpointStore;
import io.cyclegan.training.artifacts.ModelPublisher;
import io.cyclegan.training.artifacts.StartingWeights;
import io.cyclegan.training.commands.CommandHandler;
import io.cyclegan.training.commands.ModelPublishers;
import io.cyclegan.training.data.DatasetCache;
import io.cyclegan.training.job.Attempts;
import io.cyclegan.training.job.JobEvents;
import io.cyclegan.training.job.JobServices;
import io.cyclegan.training.job.JobSpec;
import io.cyclegan.training.job.JobStore;
import io.cyclegan.training.limits.ParamBounds;
import io.cyclegan.training.metrics.TrainingMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * What a training worker builds for its jobs ({@code TrainingWorker}'s wiring without the consumers
 * and the scheduler), in this JVM, on the shared stack: a test plays the scheduler.
 */
final class WorkerParts implements AutoCloseable {
  final String id;
  final ObjectStore store;
  final JobStore jobs;
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final TrainingMetrics metrics = new TrainingMetrics(registry);
  private final Path dir;
  private final KafkaProducer<byte[], byte[]> producer;
  private final JobEvents events;
  private final ModelPublisher publisher;

  /**
   * @param eventsTopic where its job events go
   * @param dir its own cache and temporary files
   */
  WorkerParts(LocalStack stack, ObjectStore store, String id, String eventsTopic, Path dir) {
    this.id = id;
    this.store = store;
    this.jobs = new JobStore(store);
    this.dir = dir;
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    this.producer = new KafkaProducer<>(p);
    String source = "/cyclegan/training/" + id;
    this.events = new JobEvents(producer, eventsTopic, source);
    this.publisher =
        new ModelPublisher(
            store,
            producer,
            "cyclegan.models",
            source,
            dir.resolve("tmp"),
            new Retrier(RetryPolicy.DEFAULT, new Dependency("kafka")));
  }

  /**
   * What its job runs use.
   *
   * @param cancelRequested asked before every step (a test may hold the run there)
   */
  JobServices services(Predicate<JobSpec> cancelRequested, int progressEverySteps) {
    return new JobServices(
        store,
        jobs,
        events,
        new DatasetCache(store, dir.resolve("cache")),
        new CheckpointStore(store, dir.resolve("tmp"), 3),
        new StartingWeights(store, dir.resolve("tmp")),
        publisher,
        metrics,
        cancelRequested,
        progressEverySteps,
        id,
        new Attempts(3));
  }

  /** Its command handler, which also ends leased jobs that must not run. */
  CommandHandler handler(Leases leases, Attempts attempts) {
    return new CommandHandler(
        jobs,
        events,
        new DeadLetters(producer, Topics.fromEnv(Map.of()), registry),
        metrics,
        "cyclegan-training",
        "cpu",
        id,
        ParamBounds.fromEnv(new Env(Map.of())),
        attempts,
        publisher,
        new StartingWeights(store, dir.resolve("tmp")),
        null,
        ModelPublishers.OPEN,
        new JobQueue(store),
        leases,
        (spec, fence) -> {
          throw new AssertionError("nothing should be launched, got " + spec.jobId());
        });
  }

  /** A counter of its registry; 0 when never incremented. */
  double count(String name, String tag, String value) {
    Counter c = registry.find(name).tag(tag, value).counter();
    return c == null ? 0 : c.count();
  }

  @Override
  public void close() {
    events.close();
    producer.close();
  }
}
