package io.cyclegan.training;

import io.cyclegan.common.config.ServiceSettings;
import io.cyclegan.common.fault.Dependency;
import io.cyclegan.common.fault.Retrier;
import io.cyclegan.common.fault.RetryPolicy;
import io.cyclegan.common.runtime.ServiceRuntime;
import io.cyclegan.common.server.Liveness;
import io.cyclegan.common.server.ReadinessCheck;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.training.artifacts.CheckpointStore;
import io.cyclegan.training.artifacts.ImportedVersions;
import io.cyclegan.training.artifacts.ModelPublisher;
import io.cyclegan.training.artifacts.StartingWeights;
import io.cyclegan.training.commands.CancelRequests;
import io.cyclegan.training.commands.CancelWatcher;
import io.cyclegan.training.commands.CommandHandler;
import io.cyclegan.training.commands.CommandLoop;
import io.cyclegan.training.data.DatasetCache;
import io.cyclegan.training.fleet.FleetMetrics;
import io.cyclegan.training.fleet.JobQueue;
import io.cyclegan.training.fleet.JobScheduler;
import io.cyclegan.training.fleet.Leases;
import io.cyclegan.training.job.Attempts;
import io.cyclegan.training.job.JobEvents;
import io.cyclegan.training.job.JobRunner;
import io.cyclegan.training.job.JobServices;
import io.cyclegan.training.job.JobSpec;
import io.cyclegan.training.job.JobStore;
import io.cyclegan.training.job.RunningJob;
import io.cyclegan.training.metrics.TrainingMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One training worker: a group consumer of the command topic that puts jobs in the fleet's queue, a
 * scheduler that runs one queued job at a time under its lease, a cancel watcher, and the side
 * server. Built from a {@link TrainingConfig} by {@link TrainingWorkerMain}, by tests, and by
 * {@code cyclegan up} in-process.
 *
 * <pre>{@code
 * try (TrainingWorker worker = new TrainingWorker(config, "127.0.0.1")) {
 *   worker.start();
 *   ...
 * } // close(): the running job checkpoints, its command stays uncommitted
 * }</pre>
 */
public final class TrainingWorker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TrainingWorker.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofMinutes(3);

  /**
   * How long the command loop's own store reads and event sends wait out an outage before the
   * command is read again: well within {@code max.poll.interval.ms} (5 minutes).
   */
  private static final Duration POLL_THREAD_BUDGET = Duration.ofSeconds(30);

  /** How long the scheduler's own store calls wait out an outage (the next scan tries again). */
  private static final Duration SCHEDULER_STORE_BUDGET = Duration.ofSeconds(2);

  /** The command loop's name in {@code /healthz}. */
  public static final String COMMAND_LOOP = "training-commands";

  /** The scheduler's name in {@code /healthz}. */
  public static final String SCHEDULER = "training-scheduler";

  /** The cancel watcher's name in {@code /healthz}. */
  public static final String CANCEL_WATCHER = "training-cancels";

  private final TrainingConfig config;
  private final ServiceRuntime runtime;
  private final KafkaProducer<byte[], byte[]> producer;
  private final JobEvents events;
  private final TrainingMetrics metrics;
  private final CommandLoop loop;
  private final JobScheduler scheduler;
  private final CancelWatcher watcher;
  private final Thread loopThread;
  private final Thread schedulerThread;
  private final Thread watcherThread;
  private boolean started;
  private boolean closed;

  /**
   * Connects to Kafka and the store and opens the side port; reads nothing until {@link #start()}.
   *
   * @param bindAddress the side server's address ({@code 0.0.0.0} in a container)
   */
  public TrainingWorker(TrainingConfig config, String bindAddress) {
    this.config = config;
    ServiceSettings settings = config.settings();
    this.runtime = new ServiceRuntime(TrainingConfig.SERVICE, settings, bindAddress);
    try {
      this.metrics = new TrainingMetrics(runtime.metrics().registry());
      this.producer = runtime.kafka().producer("events");
      String source = "/cyclegan/training/" + settings.instanceId();
      String commands = settings.topics().trainingCommands();
      RetryPolicy retry = runtime.retry();
      // The poll thread gives up sooner than a job: it must go on polling, and it reads the
      // command again afterwards.
      RetryPolicy onPollThread = retry.withBudget(min(retry.budget(), POLL_THREAD_BUDGET));
      Retrier kafkaRetrier =
          new Retrier(retry, new Dependency("kafka-producer").bindTo(runtime.metrics().registry()));
      this.events =
          new JobEvents(producer, settings.topics().trainingEvents(), source, kafkaRetrier);
      ModelPublisher publisher =
          new ModelPublisher(
              runtime.store(),
              producer,
              settings.topics().models(),
              source,
              tmpDir(),
              kafkaRetrier);
      JobStore jobs = new JobStore(runtime.store());
      Attempts attempts = new Attempts(config.maxAttempts());
      CancelRequests cancels = new CancelRequests();
      JobServices services =
          new JobServices(
              runtime.store(),
              jobs,
              events,
              new DatasetCache(
                  runtime.store(), config.cacheDir(), config.retention().cacheMaxBytes()),
              new CheckpointStore(runtime.store(), tmpDir(), config.retention().checkpointsKept()),
              new StartingWeights(runtime.store(), tmpDir()),
              publisher,
              metrics,
              spec ->
                  cancels.isRequested(
                      spec.jobId(),
                      spec.source().partition(),
                      spec.source().offset(),
                      spec.commandTime()),
              config.progressEverySteps(),
              settings.instanceId(),
              attempts);
      Liveness liveness = runtime.liveness();
      ObjectStore pollStore = runtime.store().withPolicy(onPollThread);
      JobStore pollJobs = new JobStore(pollStore);
      JobQueue queue = new JobQueue(pollStore);
      Leases leases =
          new Leases(
              runtime.store(),
              settings.instanceId(),
              settings.staticMembership(),
              config.leaseTtl());
      CommandHandler handler =
          new CommandHandler(
              pollJobs,
              events.withPolicy(onPollThread),
              runtime.deadLetters(),
              metrics,
              settings.groupId(),
              config.device(),
              settings.instanceId(),
              config.bounds(),
              attempts,
              publisher.withPolicy(onPollThread),
              new StartingWeights(pollStore, tmpDir()),
              new ImportedVersions(pollStore, publisher.withPolicy(onPollThread), tmpDir()),
              config.publishers(),
              queue,
              leases,
              (spec, fence) -> RunningJob.start(new JobRunner(spec, services, fence), liveness));
      // The scheduler renews the running job's lease between scans: a scan must not wait out an
      // outage of the store.
      ObjectStore schedulerStore =
          runtime.store().withPolicy(retry.withBudget(SCHEDULER_STORE_BUDGET));
      this.scheduler =
          new JobScheduler(
              new JobQueue(schedulerStore),
              leases,
              new JobStore(schedulerStore),
              handler,
              new FleetMetrics(runtime.metrics().registry()),
              retry);
      this.loop =
          new CommandLoop(
              runtime
                  .kafka()
                  .consumer(
                      "commands",
                      settings.groupId(),
                      runtime.groupInstanceId(),
                      Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1)),
              commands,
              handler,
              retry);
      this.watcher =
          new CancelWatcher(
              () -> runtime.kafka().consumer("cancels", null, null, Map.of()),
              runtime.admin(),
              commands,
              settings.groupId(),
              cancels,
              CancelWatcher.DEFAULT_PARTITION_CHECK,
              retry);
      // Not a daemon: the command loop is what keeps the process alive after main() returns.
      this.loopThread = new Thread(liveness.guard(COMMAND_LOOP, loop), COMMAND_LOOP);
      this.watcherThread = liveness.thread(CANCEL_WATCHER, watcher);
      this.schedulerThread = new Thread(liveness.guard(SCHEDULER, scheduler), SCHEDULER);
    } catch (RuntimeException e) {
      runtime.close();
      throw e;
    }
    // Readiness stays true while a job trains: a busy worker is healthy, and a rollout must not
    // stall behind a long job. It turns false only when the command loop has died.
    runtime.addReadinessCheck(
        new ReadinessCheck(
            "training",
            () -> !started || (loopThread.isAlive() && schedulerThread.isAlive()) || closed));
  }

  private Path tmpDir() {
    return config.cacheDir().resolve(".tmp");
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /** Starts reading commands and watching for cancels; a second call does nothing. */
  public synchronized TrainingWorker start() {
    if (closed) {
      throw new IllegalStateException("the training worker is closed");
    }
    if (started) {
      return this;
    }
    started = true;
    watcherThread.start();
    loopThread.start();
    schedulerThread.start();
    log.info(
        "training worker {} reading {} in group {} (device {}, cache {}, progress every {} steps)",
        config.settings().instanceId(),
        config.settings().topics().trainingCommands(),
        config.settings().groupId(),
        config.device(),
        config.cacheDir(),
        config.progressEverySteps());
    return this;
  }

  /**
   * Waits until the group has assigned this worker its partitions and the cancel watcher reads;
   * false on timeout.
   */
  public boolean awaitReady(Duration timeout) throws InterruptedException {
    return loop.awaitAssignment(timeout) && watcher.awaitReady(timeout);
  }

  /** The id of the job running now, if any. */
  public Optional<String> runningJobId() {
    return scheduler.runningJob().map(JobSpec::jobId);
  }

  public TrainingConfig config() {
    return config;
  }

  /** Metrics, clients, store, dead letters and the liveness of the worker's loops. */
  public ServiceRuntime runtime() {
    return runtime;
  }

  /** The side server's port ({@code /metrics}, {@code /healthz}, {@code /readyz}). */
  public int metricsPort() {
    return runtime.sideServer().port();
  }

  /**
   * The worker's long-lived loops (command loop, cancel watcher, job thread): {@code /healthz}
   * fails when one has died; the main exits the process then ({@link Liveness#onDeath}).
   */
  public Liveness liveness() {
    return runtime.liveness();
  }

  /** The Prometheus text of this worker's registry. */
  public String scrapeMetrics() {
    return runtime.metrics().scrape();
  }

  /**
   * Graceful stop (SIGTERM): the running job checkpoints and emits a {@code checkpoint} event, its
   * command stays uncommitted so it resumes wherever its partition lands next; then every client
   * closes.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (started) {
      scheduler.stop(CLOSE_TIMEOUT);
      loop.stop(CLOSE_TIMEOUT);
    }
    watcher.close();
    events.close();
    producer.close();
    runtime.close();
  }

  /**
   * Simulates a crash, for tests: the job thread drops out before its next step and writes nothing
   * more (no checkpoint, no event, no lease release: its lease runs out as a dead worker's does).
   * The thread is not interrupted: with the current model module, a trainer interrupted mid-epoch
   * leaves libtorch in a state that crashes the JVM when the next trainer (the "second worker")
   * runs. Returns when the job thread has ended (one trainer per JVM, see DESIGN.md).
   */
  public synchronized void crash() {
    if (closed) {
      return;
    }
    closed = true;
    if (started) {
      scheduler.crash();
      loop.stop(Duration.ofSeconds(60));
    }
    watcher.close();
    events.close();
    producer.close(Duration.ZERO);
    runtime.close();
  }
}
