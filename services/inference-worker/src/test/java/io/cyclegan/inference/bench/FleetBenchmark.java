package io.cyclegan.inference.bench;

import io.cyclegan.common.messages.TranslateRequest;
import io.cyclegan.common.messages.TranslateResult;
import io.cyclegan.inference.InferenceWorkerMain;
import io.cyclegan.inference.TestModels;
import io.cyclegan.inference.WorkerFixture;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.ServiceProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Issue 17 part 3 ({@code scripts/bench-fleet.sh}): inference throughput with one and with two
 * workers, each in a JVM of its own with one libtorch thread, on a requests topic of three
 * partitions, with a near-free model (ngf 4, one block: the pipeline, not the model, is measured);
 * then a burst during which a third worker joins and the first leaves (two rebalances under load),
 * counting what is lost (must be 0) and what is answered twice (at-least-once delivery: the
 * duplicates a rebalance costs). Broker and store run in this JVM. Prints JSON lines.
 *
 * <p>Arguments: images per burst (600), edge in px (32).
 */
public final class FleetBenchmark {
  private static final Duration TIMEOUT = Duration.ofMinutes(10);
  private static final String MODEL = "fleet";

  private FleetBenchmark() {}

  public static void main(String[] args) throws Exception {
    int images = args.length > 0 ? Integer.parseInt(args[0]) : 600;
    int edge = args.length > 1 ? Integer.parseInt(args[1]) : 32;
    try (LocalStack stack = LocalStack.builder().build().start();
        WorkerFixture f = new WorkerFixture(stack, "fleet")) {
      f.publishModel(MODEL, "v1", TestModels.generators(4, 1, 7));
      Map<String, String> env =
          Map.of(
              "CYCLEGAN_MAX_BATCH", "8",
              "OMP_WAIT_POLICY", "passive",
              "KAFKA_SESSION_TIMEOUT_MS", "10000",
              "KAFKA_HEARTBEAT_INTERVAL_MS", "1000");
      List<ServiceProcess> workers = new ArrayList<>();
      try {
        workers.add(start(f, env));
        burst(f, "warm1", 16, edge); // loads the model
        double one = burst(f, "one", images, edge);
        print("workers", 1, images, one, 0, 0);

        workers.add(start(f, env));
        burst(f, "warm2", 32, edge); // after the rebalance, both have partitions and the model
        double two = burst(f, "two", images, edge);
        print("workers", 2, images, two, 0, 0);

        // Three times as many, so that the load lasts while a worker JVM starts.
        int many = 3 * images;
        List<TranslateRequest> requests = f.inputs("rebalance", many, MODEL, edge);
        long start = System.nanoTime();
        f.requestAll(requests);
        awaitAnswered(f, requests, many / 10);
        workers.add(start(f, env)); // joins: a rebalance under load
        int atJoin = answered(f, requests);
        workers.get(0).terminate(); // leaves (SIGTERM, graceful): another one
        int atLeave = answered(f, requests);
        awaitAnswered(f, requests, many);
        double seconds = (System.nanoTime() - start) / 1e9;
        int lost = 0;
        int duplicates = 0;
        for (TranslateRequest r : requests) {
          List<TranslateResult> results = f.results(r.requestId());
          if (results.isEmpty() || results.get(0).status() != TranslateResult.Status.ok) {
            lost++;
          } else {
            duplicates += results.size() - 1;
          }
        }
        print("rebalance", 2, many, many / seconds, lost, duplicates);
        System.err.printf(
            Locale.ROOT,
            "answered when the third joined: %d, when the first left: %d of %d%n",
            atJoin,
            atLeave,
            many);
        if (atLeave >= many) {
          System.err.println("the burst was over before the rebalances: raise the image count");
        }
      } finally {
        for (ServiceProcess w : workers) {
          w.close();
        }
      }
    }
    System.exit(0); // the embedded broker leaves non-daemon threads behind
  }

  private static ServiceProcess start(WorkerFixture f, Map<String, String> env) {
    ServiceProcess p =
        ServiceProcess.builder()
            .setMainClass(InferenceWorkerMain.class.getName())
            .optEnv(f.env(env))
            .optJvmOptions(List.of("-Xmx768m"))
            .optSystemProperties(
                Map.of(
                    "ai.djl.offline", "true",
                    "ai.djl.pytorch.num_threads", "1",
                    "ai.djl.pytorch.num_interop_threads", "1"))
            .build()
            .start();
    p.awaitLog("inference worker consuming", Duration.ofSeconds(180));
    return p;
  }

  /** Sends {@code n} requests at once; returns images per second until the last is answered. */
  private static double burst(WorkerFixture f, String prefix, int n, int edge) {
    List<TranslateRequest> requests = f.inputs(prefix, n, MODEL, edge);
    long start = System.nanoTime();
    f.requestAll(requests);
    awaitAnswered(f, requests, n);
    return n / ((System.nanoTime() - start) / 1e9);
  }

  private static void awaitAnswered(WorkerFixture f, List<TranslateRequest> requests, int n) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (answered(f, requests) < n) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "only " + answered(f, requests) + " of " + n + " answered in " + TIMEOUT);
      }
      try {
        Thread.sleep(20); // a benchmark's poll of the collector, not a test's synchronisation
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  private static int answered(WorkerFixture f, List<TranslateRequest> requests) {
    int n = 0;
    for (TranslateRequest r : requests) {
      if (!f.results(r.requestId()).isEmpty()) {
        n++;
      }
    }
    return n;
  }

  private static void print(
      String phase, int workers, int images, double rate, int lost, int duplicates) {
    System.out.println(
        String.format(
            Locale.ROOT,
            "{\"bench\": \"inference-fleet\", \"phase\": \"%s\", \"workers\": %d, \"images\": %d,"
                + " \"imagesPerSecond\": %.2f, \"lost\": %d, \"duplicates\": %d, \"cpus\": %d,"
                + " \"loadAverage\": %.2f}",
            phase,
            workers,
            images,
            rate,
            lost,
            duplicates,
            Runtime.getRuntime().availableProcessors(),
            java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                .getSystemLoadAverage()));
    System.out.flush();
  }
}
