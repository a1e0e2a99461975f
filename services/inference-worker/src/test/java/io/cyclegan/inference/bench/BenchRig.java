package io.cyclegan.inference.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.cyclegan.common.messages.Direction;
import io.cyclegan.common.messages.OutputFormat;
import io.cyclegan.common.messages.TranslateRequest;
import io.cyclegan.common.messages.TranslateResult;
import io.cyclegan.inference.TestModels;
import io.cyclegan.inference.WorkerFixture;
import io.cyclegan.model.data.ImageTensors;
import io.cyclegan.model.translate.CycleGanTranslator;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the inference benchmarks share: their arguments, the bare generator they compare against,
 * the worker's settings, and a burst of claim checks through a {@link WorkerFixture}.
 */
final class BenchRig {
  private BenchRig() {}

  /**
   * The benchmarks' arguments (or environment): images ({@code IMAGES}, 128), maxBatch ({@code
   * MAX_BATCH}, 8), image size ({@code SIZE}, 64), residual blocks ({@code BLOCKS}, 6), width
   * ({@code NGF}, 64), batch delay ({@code MAX_BATCH_DELAY_MS}, 20).
   */
  record Args(int images, int maxBatch, int size, int blocks, int ngf, int delayMs) {
    static Args parse(String[] args) {
      return new Args(
          arg(args, 0, "IMAGES", 128),
          arg(args, 1, "MAX_BATCH", 8),
          arg(args, 2, "SIZE", 64),
          arg(args, 3, "BLOCKS", 6),
          arg(args, 4, "NGF", 64),
          arg(args, 5, "MAX_BATCH_DELAY_MS", 20));
    }

    /** The generators under test: random weights of this width and depth, a fixed seed. */
    byte[] generators() {
      return TestModels.generators(ngf, blocks, 7);
    }

    /** The worker's batching settings, with {@code overrides} on top. */
    Map<String, String> workerEnv(Map<String, String> overrides) {
      Map<String, String> env = new HashMap<>();
      env.put("CYCLEGAN_MAX_BATCH", Integer.toString(maxBatch));
      env.put("CYCLEGAN_MAX_BATCH_DELAY_MS", Integer.toString(delayMs));
      env.putAll(overrides);
      return env;
    }

    private static int arg(String[] args, int index, String env, int defaultValue) {
      if (args.length > index) {
        return Integer.parseInt(args[index]);
      }
      String v = System.getenv(env);
      return v == null || v.isBlank() ? defaultValue : Integer.parseInt(v.trim());
    }
  }

  /**
   * The generator alone: {@code images} images in batches of {@code maxBatch}, on this thread.
   * Returns images per second and the process's CPU milliseconds per image.
   */
  static double[] bare(byte[] generators, int images, int maxBatch, int size) {
    try (CycleGanTranslator t = TestModels.translator(generators);
        NDManager manager = NDManager.newBaseManager()) {
      // The same kind of pixels as the pipeline's inputs (a constant image would normalise to
      // zeros and can run at a different speed).
      int plane = 3 * size * size;
      float[] input = new float[maxBatch * plane];
      for (int i = 0; i < maxBatch; i++) {
        float[] chw = ImageTensors.toChw(TestModels.image(size, size, i));
        System.arraycopy(chw, 0, input, i * plane, plane);
      }
      Runnable batch =
          () -> {
            try (NDManager m = manager.newSubManager()) {
              NDArray x = m.create(input, new Shape(maxBatch, 3, size, size));
              t.translate(x, io.cyclegan.model.translate.Direction.A_TO_B).toFloatArray();
            }
          };
      batch.run(); // warm-up, as the pipeline had
      int batches = (images + maxBatch - 1) / maxBatch;
      long cpuStart = processCpuNanos();
      long start = System.nanoTime();
      for (int i = 0; i < batches; i++) {
        batch.run();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      double cpuMs = (processCpuNanos() - cpuStart) / 1e6 / (batches * maxBatch);
      System.err.printf(
          Locale.ROOT,
          "bare: %d forward passes, mean %.1f ms%n",
          batches,
          seconds * 1000 / batches);
      return new double[] {batches * maxBatch / seconds, cpuMs};
    }
  }

  /** CPU time of the whole process, all threads (libtorch's included). */
  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** What every claim check asks for: {@code BENCH_OUTPUT_FORMAT}, png (the default) or jpeg. */
  static final OutputFormat OUTPUT_FORMAT =
      OutputFormat.parse(System.getenv().getOrDefault("BENCH_OUTPUT_FORMAT", "png").trim());

  static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  /**
   * Stores {@code n} inputs named {@code prefix-i} (the pictures of {@link TestModels#image}) and
   * returns their claim checks, not yet sent.
   */
  static List<TranslateRequest> inputs(WorkerFixture f, String prefix, int n, int size) {
    List<TranslateRequest> requests = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String id = prefix + "-" + i;
      f.putInput(id, TestModels.image(size, size, i));
      requests.add(f.claimCheck(id, "bench", null, Direction.AtoB, size, size, OUTPUT_FORMAT));
    }
    return requests;
  }

  /** Sends the claim checks at once and waits for every result. */
  static void sendAndAwait(WorkerFixture f, List<TranslateRequest> requests) {
    f.requestAll(requests);
    await(f, requests);
  }

  static void await(WorkerFixture f, List<TranslateRequest> requests) {
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofMinutes(30))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> requests.stream().allMatch(r -> f.firstArrivalMillis(r.requestId()) != null));
  }

  /** Fails the benchmark when a request got an error result: its figures would mean nothing. */
  static void requireOk(WorkerFixture f, List<TranslateRequest> requests) {
    for (TranslateRequest r : requests) {
      TranslateResult result = f.results(r.requestId()).get(0);
      if (result.status() != TranslateResult.Status.ok) {
        throw new IllegalStateException("request failed: " + result);
      }
    }
  }

  static long percentile(long[] sorted, int p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }
}
