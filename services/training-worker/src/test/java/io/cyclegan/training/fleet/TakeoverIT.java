package io.cyclegan.training.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cyclegan.common.messages.Headers;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.messages.TrainingEvent;
import io.cyclegan.common.messages.TrainingEvent.Type;
import io.cyclegan.common.store.ObjectInfo;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.common.testkit.StackKit;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.LocalStackExtension;
import io.cyclegan.model.CycleGanConfig;
import io.cyclegan.training.artifacts.JobKeys;
import io.cyclegan.training.job.CommandSource;
import io.cyclegan.training.job.JobEvents;
import io.cyclegan.training.job.JobResult;
import io.cyclegan.training.job.JobRunner;
import io.cyclegan.training.job.JobSpec;
import io.cyclegan.training.job.JobState;
import io.cyclegan.training.job.JobStatus;
import io.cyclegan.training.job.JobStore;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17: a whole run of a real (tiny) training job taken over by another worker. Worker A runs
 * the job and stalls after its first checkpoint (held in its step loop, as in a long GC pause: its
 * own clock moves on by a time to live). Worker B sees A's lease unchanged for a whole time to
 * live, takes the job over, resumes from A's checkpoint and completes it. Then A goes on: its lease
 * is no longer valid by its own clock, so it waits to confirm it, and its scheduler's next renewal
 * (played here) finds B's lease: A's run stops without writing anything or sending any event. Real
 * leases, trainers, store and broker; the clocks are driven, nothing waits on a sleep.
 */
@ExtendWith(LocalStackExtension.class)
class TakeoverIT {
  private static final Duration TTL = Duration.ofSeconds(4);
  private static final CommandSource SOURCE =
      new CommandSource("cyclegan-training", "cyclegan.training.commands", 0, 3);

  @TempDir Path tmp;

  @Test
  void shouldStopTheStaleRunWithoutWritesWhileTheNewHolderCompletesTheJob(LocalStack stack)
      throws Exception {
    try (Takeover t = takeOver(stack, true)) {
      // A waits for its lease to be confirmed (it cannot tell a stall from a store outage), until
      // its scheduler's renewal, played here, finds B's lease. Then it stops.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> t.a.count("cyclegan.training.run.interruptions", "cause", "lease_unconfirmed"),
              n -> n == 1.0);
      assertThat(t.leaseA.renew()).as("A's renewal").isFalse();
      assertThat(t.leaseA.takenBy()).hasValueSatisfying(h -> assertThat(h).startsWith("worker-b"));
      JobResult resultA = t.ranA.get(60, TimeUnit.SECONDS);

      assertThat(resultA.disposition()).isEqualTo(JobResult.Disposition.LEAVE);
      assertThat(t.a.count("cyclegan.training.run.interruptions", "cause", "lease_taken"))
          .isEqualTo(1);
      assertThat(objects(t.store, t.jobId, t.model))
          .as("the job's and the model's objects after A stopped: nothing of A's since B's end")
          .isEqualTo(t.afterB);
      // The events: A's run, then B's, never A's again; B resumed from A's checkpoint.
      List<ConsumerRecord<byte[], byte[]>> events = events(stack, t.eventsTopic);
      assertThat(runs(events))
          .containsExactly("/cyclegan/training/worker-a", "/cyclegan/training/worker-b");
      assertThat(types(events, "worker-a"))
          .containsExactly(Type.started, Type.progress, Type.checkpoint);
      assertThat(types(events, "worker-b")).startsWith(Type.started).endsWith(Type.completed);
      ConsumerRecord<byte[], byte[]> startedB =
          events.stream().filter(r -> source(r).endsWith("worker-b")).findFirst().orElseThrow();
      assertThat(header(startedB, JobEvents.RESUMED_FROM_HEADER))
          .isEqualTo(t.checkpointsOfA.get(0));
    }
  }

  /**
   * The window no timed lease closes (its clock rate assumption broken: A's clock stood still while
   * it stalled, so by its own reckoning its lease is still valid): A trains its next epoch, and its
   * first write after it, the epoch's sample and losses.csv, is refused by the lease confirmed in
   * the store. Nothing of B's is replaced.
   */
  @Test
  void shouldRefuseTheWritesOfAStaleRunWhoseClockStoodStill(LocalStack stack) throws Exception {
    try (Takeover t = takeOver(stack, false)) {
      JobResult resultA = t.ranA.get(60, TimeUnit.SECONDS);

      assertThat(resultA.disposition()).isEqualTo(JobResult.Disposition.LEAVE);
      assertThat(t.a.count("cyclegan.training.fenced.writes.refused", "write", "report"))
          .isEqualTo(1);
      assertThat(t.a.count("cyclegan.training.run.interruptions", "cause", "lease_taken"))
          .isEqualTo(1);
      assertThat(objects(t.store, t.jobId, t.model))
          .as("the job's and the model's objects after A stopped: nothing of A's since B's end")
          .isEqualTo(t.afterB);
      assertThat(types(events(stack, t.eventsTopic), "worker-a"))
          .as("A's events: no checkpoint after the first, nothing final")
          .containsOnlyOnce(Type.checkpoint)
          .doesNotContain(Type.completed, Type.failed, Type.cancelled);
    }
  }

  /** Where a takeover leaves the test: A stalled, B done, A let go on. */
  private record Takeover(
      ObjectStore store,
      String jobId,
      String model,
      String eventsTopic,
      WorkerParts a,
      WorkerParts b,
      Leases.Held leaseA,
      Future<JobResult> ranA,
      List<String> checkpointsOfA,
      Map<String, String> afterB,
      ExecutorService jobThread)
      implements AutoCloseable {
    @Override
    public void close() {
      jobThread.shutdownNow();
      a.close();
      b.close();
    }
  }

  /**
   * A runs the job and stalls before the first step after its first checkpoint; B takes the job
   * over and completes it; then A is let go on.
   *
   * @param clockAMoves whether A's clock moved on by a time to live while it stalled
   */
  private Takeover takeOver(LocalStack stack, boolean clockAMoves) throws Exception {
    ObjectStore store = StackKit.store(stack);
    JobStore jobs = new JobStore(store);
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String jobId = "takeover-" + suffix;
    String model = "takeover-m-" + suffix;
    String dataset = "takeover-d-" + suffix;
    String eventsTopic = "cyclegan.training.events.takeover-" + suffix;
    createTopic(stack, eventsTopic);
    seed(store, dataset);
    JobState queued =
        jobs.write(
            JobState.accepted(jobId, model, dataset, tinyParams(), SOURCE, "worker-a")
                .queued(Instant.now(), null));
    WorkerParts a = new WorkerParts(stack, store, "worker-a", eventsTopic, tmp.resolve("a"));
    WorkerParts b = new WorkerParts(stack, store, "worker-b", eventsTopic, tmp.resolve("b"));
    ExecutorService jobThread = Executors.newSingleThreadExecutor();

    DrivenClock clockA = new DrivenClock();
    Leases leasesA = new Leases(store, "worker-a", false, TTL, clockA);
    Leases.Held leaseA = leasesA.tryAcquire(jobId, leasesA.read(jobId)).orElseThrow();
    CountDownLatch stalled = new CountDownLatch(1);
    CountDownLatch goOn = new CountDownLatch(1);
    AtomicReference<JobRunner> runA = new AtomicReference<>();
    Predicate<JobSpec> stallAfterFirstCheckpoint =
        spec -> {
          if (stalled.getCount() > 0 && !runA.get().state().checkpoints().isEmpty()) {
            stalled.countDown();
            try {
              goOn.await(2, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          return false; // no cancel
        };
    runA.set(new JobRunner(spec(queued), a.services(stallAfterFirstCheckpoint, 1000), leaseA));
    Future<JobResult> ranA = jobThread.submit(runA.get()::run);
    assertThat(stalled.await(2, TimeUnit.MINUTES)).as("A checkpointed epoch 1").isTrue();
    List<String> checkpointsOfA = checkpointKeys(store, model, jobId);
    assertThat(checkpointsOfA).hasSize(1).allMatch(k -> k.endsWith(".e1.ckpt"));
    if (clockAMoves) {
      clockA.advance(TTL);
    }

    // B sees A's lease unchanged for a whole time to live, takes the job over and completes it.
    DrivenClock clockB = new DrivenClock();
    Leases leasesB = new Leases(store, "worker-b", false, TTL, clockB);
    assertThat(leasesB.looksFree(jobId, leasesB.read(jobId))).isFalse();
    clockB.advance(TTL);
    assertThat(leasesB.looksFree(jobId, leasesB.read(jobId))).isTrue();
    Leases.Held leaseB = leasesB.tryAcquire(jobId, leasesB.read(jobId)).orElseThrow();
    assertThat(leaseB.epoch()).isEqualTo(2);
    JobState found = jobs.read(jobId).orElseThrow();
    JobResult resultB = new JobRunner(spec(found), b.services(spec -> false, 1000), leaseB).run();
    leaseB.release(); // as B's scheduler does after a finished run

    assertThat(resultB.disposition()).isEqualTo(JobResult.Disposition.COMMIT);
    JobState completed = jobs.read(jobId).orElseThrow();
    assertThat(completed.state()).isEqualTo(JobStatus.completed);
    assertThat(completed.worker()).isEqualTo("worker-b");
    assertThat(completed.leaseEpoch()).isEqualTo(2L);
    assertThat(completed.epoch()).isEqualTo(3);
    Map<String, String> afterB = objects(store, jobId, model);
    goOn.countDown();
    return new Takeover(
        store, jobId, model, eventsTopic, a, b, leaseA, ranA, checkpointsOfA, afterB, jobThread);
  }

  /** The tiny network: 2 + 1 epochs of 2 steps on 32 px crops, a checkpoint every epoch. */
  private static Map<String, Object> tinyParams() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("epochs", 2);
    p.put("decayEpochs", 1);
    p.put("imageSize", 32);
    p.put("loadSize", 36);
    p.put("generatorBlocks", 1);
    p.put("ngf", 4);
    p.put("ndf", 4);
    p.put("poolSize", 2);
    p.put("checkpointEvery", 1);
    p.put("seed", 7);
    p.put("device", "cpu");
    return p;
  }

  private static JobSpec spec(JobState state) {
    return new JobSpec(
        state.jobId(),
        state.model(),
        state.dataset(),
        CycleGanConfig.fromParams(state.params()),
        state.source(),
        state.createdAt().toEpochMilli(),
        state,
        null);
  }

  /** Two images per domain. */
  private static void seed(ObjectStore store, String dataset) throws Exception {
    Random random = new Random(7);
    for (String domain : List.of("A", "B")) {
      for (int i = 0; i < 2; i++) {
        BufferedImage image = new BufferedImage(40, 40, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(random.nextInt(0xffffff)));
        g.fillRect(0, 0, 40, 40);
        g.setColor(new Color(random.nextInt(0xffffff)));
        g.fillOval(random.nextInt(20), random.nextInt(20), 16, 16);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        byte[] png = out.toByteArray();
        store.put(ObjectKeys.datasetImage(dataset, domain, sha256(png)), png, "image/png");
      }
    }
  }

  private static List<String> checkpointKeys(ObjectStore store, String model, String jobId) {
    return store.list(JobKeys.checkpointPrefix(model, jobId)).stream()
        .map(ObjectInfo::key)
        .toList();
  }

  /** Every object of the job and of the model, key to content digest. */
  private static Map<String, String> objects(ObjectStore store, String jobId, String model) {
    Map<String, String> out = new TreeMap<>();
    for (String prefix : List.of(ObjectKeys.jobPrefix(jobId), "models/" + model + "/")) {
      for (ObjectInfo o : store.list(prefix)) {
        out.put(o.key(), sha256(store.get(o.key()).orElseThrow()));
      }
    }
    return out;
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void createTopic(LocalStack stack, String topic) throws Exception {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    try (Admin admin = Admin.create(p)) {
      admin
          .createTopics(List.of(new NewTopic(topic, 1, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
  }

  /** Every record of the one-partition topic, in order. */
  private static List<ConsumerRecord<byte[], byte[]>> events(LocalStack stack, String topic) {
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c)) {
      TopicPartition p = new TopicPartition(topic, 0);
      consumer.assign(List.of(p));
      consumer.seekToBeginning(List.of(p));
      long end = consumer.endOffsets(List.of(p)).get(p);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
                return consumer.position(p) >= end;
              });
    }
    return out;
  }

  /** The sources of the events in order, repeats folded: a source seen again means overlap. */
  private static List<String> runs(List<ConsumerRecord<byte[], byte[]>> events) {
    List<String> runs = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : events) {
      String source = source(r);
      if (runs.isEmpty() || !Objects.equals(runs.get(runs.size() - 1), source)) {
        runs.add(source);
      }
    }
    return runs;
  }

  private static List<Type> types(List<ConsumerRecord<byte[], byte[]>> events, String worker) {
    return events.stream()
        .filter(r -> source(r).endsWith(worker))
        .map(r -> MessageCodec.decode(r.value(), TrainingEvent.class).type())
        .toList();
  }

  private static String source(ConsumerRecord<byte[], byte[]> r) {
    return header(r, Headers.CE_SOURCE);
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
