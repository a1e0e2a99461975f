package io.cyclegan.cli.chaos;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.cyclegan.common.config.KafkaSettings;
import io.cyclegan.common.kafka.KafkaClients;
import io.cyclegan.common.messages.Headers;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.messages.Topics;
import io.cyclegan.common.messages.TrainingCommand;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.ServiceProcess;
import io.cyclegan.model.synthetic.SyntheticShapes;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * One chaos run, start to end: the local stack with fault proxies in this JVM, the three services
 * as processes of their own, a data set and a first model, then the load, the training jobs and the
 * fault schedule together for {@link ChaosOptions#length()}, then a bounded drain and the summary.
 * Everything it saw goes to the run folder; {@link #run()} returns the figures.
 */
final class ChaosRun {

  static final String DATASET = "chaos-shapes";
  static final String MODEL = "chaos-shapes";
  private static final int IMAGE_SIZE = 32;
  private static final Duration WARM_UP_TIMEOUT = Duration.ofMinutes(10);
  private static final ObjectMapper JSON =
      MessageCodec.mapper().copy().enable(SerializationFeature.INDENT_OUTPUT);

  private final ChaosOptions options;
  private final Path runDir;
  private final RunLog log;
  private final Ledger ledger = new Ledger();
  private final Topics topics = Topics.DEFAULTS;
  private final List<FaultInjector.Outcome> outcomes = new ArrayList<>();
  private final List<String> unexpectedExits = new ArrayList<>();
  private int jobCount;

  ChaosRun(ChaosOptions options) throws IOException {
    this.options = options;
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    this.runDir = options.outDir().resolve(stamp).toAbsolutePath();
    Files.createDirectories(runDir.resolve("logs"));
    this.log = new RunLog(runDir.resolve("driver.log"));
  }

  Path runDir() {
    return runDir;
  }

  ChaosSummary run() throws Exception {
    FaultSchedule schedule =
        FaultSchedule.generate(options.seed(), options.length(), FaultSchedule.Bounds.DEFAULT);
    write("schedule.json", schedule);
    log.say(
        "run folder %s; seed %d; %d faults planned over %d s",
        runDir, options.seed(), schedule.faults().size(), options.length().toSeconds());
    LocalStack stack =
        LocalStack.builder().optFaultProxies(true).optDataDir(runDir.resolve("data")).build();
    ServiceFleet fleet = null;
    Thread hook = null;
    try {
      stack.start();
      log.say(
          "local stack up: kafka %s, s3 %s (both behind fault proxies)",
          stack.bootstrapServers(), stack.s3Endpoint());
      fleet = new ServiceFleet(stack, runDir);
      ServiceFleet started = fleet;
      // Ctrl-C must not leave three service JVMs behind.
      hook = new Thread(started::close, "chaos-stop-services");
      Runtime.getRuntime().addShutdownHook(hook);
      fleet.startAll();
      log.say("services ready: %s", fleet.names());
      return withClients(stack, fleet, schedule);
    } finally {
      if (fleet != null) {
        log.say("stopping the services");
        fleet.close();
      }
      if (hook != null) {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
          // already shutting down: the hook runs anyway
        }
      }
      stack.close();
    }
  }

  private ChaosSummary withClients(LocalStack stack, ServiceFleet fleet, FaultSchedule schedule)
      throws Exception {
    KafkaClients clients =
        new KafkaClients(KafkaSettings.of(stack.bootstrapServers()), null, "chaos-driver");
    Map<String, Object> producerOverrides =
        Map.of(
            ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000",
            ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000",
            // Long enough to outlast any fault of the schedule: the driver's sends must not be
            // what is lost.
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "240000");
    try (KafkaProducer<byte[], byte[]> producer = clients.producer("producer", producerOverrides);
        PipelineWatcher watcher =
            new PipelineWatcher(
                    clients.consumer(
                        "watcher",
                        null,
                        null,
                        Map.of(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false")),
                    topics,
                    ledger,
                    log)
                .start()) {
      uploadDataset(producer, watcher);
      String runId = runDir.getFileName().toString().replace("-", "");
      String boot = "chaos-" + runId + "-boot";
      startJob(producer, boot, 1, 0);
      await("the first model (job " + boot + ")", WARM_UP_TIMEOUT, () -> ledger.runningJobs() == 0);
      Ledger.Job first = ledger.jobs().get(0);
      if (!"completed".equals(first.terminal())) {
        throw new IllegalStateException(
            "the first training job " + boot + " ended " + first.terminal() + ": " + first.error());
      }
      return underLoad(stack, fleet, schedule, producer, watcher, runId);
    }
  }

  private ChaosSummary underLoad(
      LocalStack stack,
      ServiceFleet fleet,
      FaultSchedule schedule,
      KafkaProducer<byte[], byte[]> producer,
      PipelineWatcher watcher,
      String runId)
      throws Exception {
    List<byte[]> images = new ArrayList<>();
    SyntheticShapes shapes = new SyntheticShapes(IMAGE_SIZE, options.seed());
    for (int i = 0; i < 16; i++) {
      images.add(png(shapes.testA(i)));
    }
    FaultInjector injector = new FaultInjector(stack, fleet, log);
    long loadStart = System.currentTimeMillis();
    long loadEnd = loadStart + options.length().toMillis();
    log.say(
        "load on: %.1f requests/s for %d s, faults from now",
        options.requestsPerSecond(), options.length().toSeconds());
    try (RequestLoad load =
        new RequestLoad(
            producer,
            topics.imagesIn(),
            MODEL,
            "chaos-" + runId,
            images,
            options.requestsPerSecond(),
            ledger)) {
      load.start();
      long nextJobAt = loadStart + 20_000;
      int faultIndex = 0;
      long nextFaultAt =
          schedule.faults().isEmpty()
              ? loadEnd
              : loadStart + schedule.faults().get(0).gapBeforeMs();
      while (System.currentTimeMillis() < loadEnd && !fleet.isClosing()) {
        long now = System.currentTimeMillis();
        superviseServices(fleet);
        if (now >= nextJobAt && ledger.runningJobs() == 0 && loadEnd - now > 60_000) {
          int epochs = options.jobEpochs();
          startJob(producer, "chaos-" + runId + "-j" + jobCount, epochs, epochs);
          nextJobAt = now + options.jobEvery().toMillis();
        }
        if (faultIndex < schedule.faults().size()) {
          PlannedFault f = schedule.faults().get(faultIndex);
          if (now >= nextFaultAt && loadEnd - now > f.durationMs()) {
            FaultInjector.Outcome o = injector.inject(f);
            outcomes.add(o);
            appendLine("faults.jsonl", o);
            faultIndex++;
            if (faultIndex < schedule.faults().size()) {
              // The next fault waits its gap and for the pipeline to have delivered again (at
              // most 2 minutes), so that one fault's recovery is not cut short by the next.
              long recoveredAt =
                  awaitRecovery(o.endedAtMs(), Math.min(loadEnd, o.endedAtMs() + 120_000));
              nextFaultAt =
                  Math.max(o.endedAtMs(), recoveredAt)
                      + schedule.faults().get(faultIndex).gapBeforeMs();
            }
            continue;
          }
        }
        Thread.sleep(500);
      }
      log.say("load off after %d requests; %d faults injected", load.sent(), outcomes.size());
    }
    producer.flush();
    long drainEnd = System.currentTimeMillis() + options.drain().toMillis();
    log.say(
        "draining: %d results and %d jobs outstanding, waiting up to %d s",
        ledger.outstandingRequests(), ledger.runningJobs(), options.drain().toSeconds());
    while (System.currentTimeMillis() < drainEnd
        && !fleet.isClosing()
        && (ledger.outstandingRequests() > 0 || ledger.runningJobs() > 0)) {
      superviseServices(fleet);
      Thread.sleep(1000);
    }
    // Duplicates may still come in after the last first result; give them a moment.
    Thread.sleep(3000);
    long observedUntil = System.currentTimeMillis();
    return summarize(watcher, observedUntil);
  }

  /**
   * Waits until an ok result arrives for a request sent after {@code faultEndMs}, or {@code
   * untilMs}; returns when it stopped waiting.
   */
  private long awaitRecovery(long faultEndMs, long untilMs) throws InterruptedException {
    while (System.currentTimeMillis() < untilMs) {
      if (Recovery.after(faultEndMs, ledger.requests(), Long.MAX_VALUE).recovered()) {
        break;
      }
      Thread.sleep(250);
    }
    return System.currentTimeMillis();
  }

  /**
   * A service that exited with no fault asked for it (it gave up, or took itself down as the fault
   * model says a dead loop must) is started again, as Kubernetes would; each such exit is a
   * finding.
   */
  private void superviseServices(ServiceFleet fleet) {
    for (String name : fleet.names()) {
      ServiceProcess p = fleet.process(name);
      if (p.isAlive() || fleet.isClosing()) {
        continue;
      }
      String what =
          String.format(
              Locale.ROOT,
              "+%ds %s exited by itself with code %s; last lines:%n%s",
              (System.currentTimeMillis() - log.startMs()) / 1000,
              name,
              p.exitCode(),
              p.logTail(5));
      unexpectedExits.add(what);
      log.say("%s", what);
      if (fleet.startIfOpen(name)) {
        try {
          fleet.awaitReady(name);
        } catch (IllegalStateException e) {
          log.say("%s did not get ready after a restart: %s", name, e.getMessage());
        }
      }
    }
  }

  private void uploadDataset(KafkaProducer<byte[], byte[]> producer, PipelineWatcher watcher)
      throws Exception {
    SyntheticShapes shapes = new SyntheticShapes(IMAGE_SIZE, options.seed());
    int n = options.datasetImages();
    for (int i = 0; i < n; i++) {
      sendDatasetImage(producer, "A", i, png(shapes.trainA(i)));
      sendDatasetImage(producer, "B", i, png(shapes.trainB(i)));
    }
    producer.flush();
    log.say("sent %d + %d images to data set %s over %s", n, n, DATASET, topics.imagesIn());
    await(
        "the data set's " + n + " + " + n + " images",
        WARM_UP_TIMEOUT,
        () -> watcher.datasetCount(DATASET, "A") >= n && watcher.datasetCount(DATASET, "B") >= n);
  }

  private void sendDatasetImage(
      KafkaProducer<byte[], byte[]> producer, String domain, int i, byte[] png) throws Exception {
    String key = String.format(Locale.ROOT, "%s-%s-%05d", DATASET, domain, i);
    ProducerRecord<byte[], byte[]> record =
        new ProducerRecord<>(topics.imagesIn(), key.getBytes(StandardCharsets.UTF_8), png);
    record.headers().add(Headers.PURPOSE, utf8(Headers.PURPOSE_DATASET));
    record.headers().add(Headers.DATASET, utf8(DATASET));
    record.headers().add(Headers.DOMAIN, utf8(domain));
    producer.send(record).get(60, TimeUnit.SECONDS);
  }

  private void startJob(
      KafkaProducer<byte[], byte[]> producer, String jobId, int epochs, int decay) {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("epochs", epochs);
    params.put("decayEpochs", decay);
    params.put("imageSize", IMAGE_SIZE);
    params.put("loadSize", 36);
    params.put("generatorBlocks", 2);
    params.put("ngf", 8);
    params.put("ndf", 8);
    params.put("checkpointEvery", 1);
    params.put("seed", options.seed());
    params.put("device", "cpu");
    TrainingCommand start = TrainingCommand.start(jobId, MODEL, DATASET, params);
    long at = System.currentTimeMillis();
    boolean acked;
    try {
      producer
          .send(
              new ProducerRecord<>(
                  topics.trainingCommands(),
                  jobId.getBytes(StandardCharsets.UTF_8),
                  MessageCodec.encode(start)))
          .get(60, TimeUnit.SECONDS);
      acked = true;
    } catch (Exception e) {
      log.say("start of job %s not acknowledged: %s", jobId, e);
      acked = false;
    }
    jobCount++;
    ledger.jobSent(jobId, at, acked);
    log.say(
        "job %s started: %d + %d epochs, %d px, ngf 8, 2 blocks", jobId, epochs, decay, IMAGE_SIZE);
  }

  private ChaosSummary summarize(PipelineWatcher watcher, long observedUntil) throws IOException {
    List<Ledger.Request> requests = ledger.requests();
    List<Double> recoveries = new ArrayList<>();
    List<Map<String, Object>> faults = new ArrayList<>();
    for (FaultInjector.Outcome o : outcomes) {
      Recovery.Measure m = Recovery.after(o.endedAtMs(), requests, observedUntil);
      recoveries.add(m.seconds());
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("index", o.fault().index());
      f.put("fault", o.fault().describe());
      f.put("atSeconds", (o.startedAtMs() - log.startMs()) / 1000.0);
      f.put("lastedSeconds", (o.endedAtMs() - o.startedAtMs()) / 1000.0);
      if (o.fault().kind().hitsService()) {
        f.put("exitCode", o.exitCode());
        f.put("stopSeconds", o.stopMs() / 1000.0);
        f.put("readySeconds", o.readyAtMs() < 0 ? null : (o.readyAtMs() - o.endedAtMs()) / 1000.0);
      }
      f.put("recoverySeconds", m.seconds());
      f.put("recovered", m.recovered());
      f.put("trainingResumeSeconds", trainingResume(watcher, o));
      f.put("note", o.note());
      faults.add(f);
    }
    ChaosSummary summary =
        ChaosSummary.tally(requests, ledger.jobs(), recoveries, outcomes.size(), options.seed());
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("summary", summary);
    details.put("promiseKept", summary.promiseKept());
    details.put("jobsUnfinished", summary.jobsUnfinished());
    details.put("requestsNotAcknowledged", requests.stream().filter(r -> !r.acked()).count());
    details.put(
        "sendErrors",
        requests.stream()
            .filter(r -> r.sendError() != null)
            .map(r -> r.id() + (r.acked() ? " (acked later): " : ": ") + r.sendError())
            .limit(50)
            .toList());
    details.put("resultsForUnknownIds", ledger.unexpectedResults().size());
    details.put("deadLetters", watcher.deadLetters());
    details.put("unexpectedExits", unexpectedExits);
    details.put("jobs", ledger.jobs());
    details.put("trainingErrors", watcher.trainingErrors());
    details.put(
        "errorResults",
        requests.stream()
            .flatMap(
                r -> r.results().stream().filter(x -> !x.ok()).map(x -> r.id() + ": " + x.error()))
            .limit(50)
            .toList());
    details.put(
        "lostIds",
        requests.stream()
            .filter(r -> r.acked() && r.results().isEmpty())
            .map(Ledger.Request::id)
            .limit(200)
            .toList());
    details.put("faults", faults);
    write("summary.json", details);
    writeRequestsCsv(requests);
    log.say("summary: %s", summary.toJsonLine());
    return summary;
  }

  /**
   * For a fault that hit while a job ran: seconds from the fault's end to that job's next progress,
   * checkpoint or completed event; null when no job ran or none came.
   */
  private static Double trainingResume(PipelineWatcher watcher, FaultInjector.Outcome o) {
    List<PipelineWatcher.JobActivity> activity = watcher.activity();
    String running = null;
    for (PipelineWatcher.JobActivity a : activity) {
      if (a.receivedAtMs() <= o.startedAtMs()) {
        running = a.type().equals("completed") || a.type().equals("failed") ? null : a.jobId();
      }
    }
    if (running == null) {
      return null;
    }
    String job = running;
    return activity.stream()
        .filter(a -> a.jobId().equals(job) && a.receivedAtMs() >= o.endedAtMs())
        .filter(a -> List.of("progress", "checkpoint", "completed").contains(a.type()))
        .findFirst()
        .map(a -> (a.receivedAtMs() - o.endedAtMs()) / 1000.0)
        .orElse(null);
  }

  private void writeRequestsCsv(List<Ledger.Request> requests) throws IOException {
    StringBuilder csv =
        new StringBuilder("requestId,sentAtMs,ackedAtMs,results,ok,errors,firstResultMs\n");
    for (Ledger.Request r : requests) {
      long oks = r.results().stream().filter(Ledger.Result::ok).count();
      long first = r.results().stream().mapToLong(Ledger.Result::receivedAtMs).min().orElse(-1);
      csv.append(
          String.format(
              Locale.ROOT,
              "%s,%d,%d,%d,%d,%d,%d%n",
              r.id(),
              r.sentAtMs(),
              r.ackedAtMs(),
              r.results().size(),
              oks,
              r.results().size() - oks,
              first < 0 ? -1 : first - r.sentAtMs()));
    }
    Files.writeString(runDir.resolve("requests.csv"), csv);
  }

  private void await(String what, Duration timeout, BooleanSupplier done) throws Exception {
    long deadline = System.currentTimeMillis() + timeout.toMillis();
    log.say("waiting for %s (up to %d s)", what, timeout.toSeconds());
    while (!done.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new TimeoutException("no " + what + " within " + timeout);
      }
      Thread.sleep(500);
    }
    log.say("got %s", what);
  }

  private void write(String name, Object value) throws IOException {
    JSON.writeValue(runDir.resolve(name).toFile(), value);
  }

  private void appendLine(String name, Object value) throws IOException {
    Files.writeString(
        runDir.resolve(name),
        MessageCodec.mapper().writeValueAsString(value) + "\n",
        StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
  }

  private static byte[] png(BufferedImage image) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(image, "png", out)) {
        throw new IllegalStateException("no PNG writer");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
