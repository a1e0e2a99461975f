package io.cyclegan.inference.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.cyclegan.common.messages.Direction;
import io.cyclegan.common.messages.TranslateRequest;
import io.cyclegan.common.messages.TranslateResult;
import io.cyclegan.inference.InferenceWorker;
import io.cyclegan.inference.TestModels;
import io.cyclegan.inference.WorkerFixture;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.model.data.ImageTensors;
import io.cyclegan.model.translate.CycleGanTranslator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The pipeline benchmark of {@code scripts/bench-inference.sh}: N images through Kafka, the worker
 * and the store on the embedded stack, against the bare generator at the same batch size in the
 * same process. Prints one JSON line on stdout.
 *
 * <p>Arguments (or environment): images ({@code IMAGES}, 128), maxBatch ({@code MAX_BATCH}, 8),
 * image size ({@code SIZE}, 64), residual blocks ({@code BLOCKS}, 6), width ({@code NGF}, 64),
 * batch delay ({@code MAX_BATCH_DELAY_MS}, 20).
 */
public final class InferenceBenchmark {
  private InferenceBenchmark() {}

  public static void main(String[] args) throws Exception {
    int images = arg(args, 0, "IMAGES", 128);
    int maxBatch = arg(args, 1, "MAX_BATCH", 8);
    int size = arg(args, 2, "SIZE", 64);
    int blocks = arg(args, 3, "BLOCKS", 6);
    int ngf = arg(args, 4, "NGF", 64);
    int delayMs = arg(args, 5, "MAX_BATCH_DELAY_MS", 20);
    byte[] generators = TestModels.generators(ngf, blocks, 7);
    // Measured before and after the pipeline, the better kept: on a shared machine the load
    // changes during a run, and the faster bare figure gives the more conservative ratio.
    double[] bareBefore = bare(generators, images, maxBatch, size);

    double pipeline;
    double modelBusy;
    double meanBatch;
    double pipelineCpuMs;
    long[] latencies;
    try (LocalStack stack = LocalStack.builder().build().start();
        WorkerFixture f = new WorkerFixture(stack, "bench")) {
      f.publishModel("bench", "v1", generators);
      for (int i = 0; i < images + maxBatch; i++) {
        f.putInput("img-" + i, TestModels.image(size, size, i));
      }
      InferenceWorker worker =
          f.startWorker(
              Map.of(
                  "CYCLEGAN_MAX_BATCH", Integer.toString(maxBatch),
                  "CYCLEGAN_MAX_BATCH_DELAY_MS", Integer.toString(delayMs)));
      // Warm-up: loads the model and lets the engine pick its kernels.
      List<TranslateRequest> warmUp = new ArrayList<>();
      for (int i = images; i < images + maxBatch; i++) {
        warmUp.add(f.claimCheck("img-" + i, "bench", null, Direction.AtoB, size, size));
      }
      f.requestAll(warmUp);
      awaitResults(f, warmUp);

      List<TranslateRequest> burst = new ArrayList<>();
      for (int i = 0; i < images; i++) {
        burst.add(f.claimCheck("img-" + i, "bench", null, Direction.AtoB, size, size));
      }
      var forward = worker.registry().get("cyclegan.inference").timer();
      var batches = worker.registry().get("cyclegan.inference.batch.size").summary();
      double forwardBefore = forward.totalTime(java.util.concurrent.TimeUnit.SECONDS);
      long passesBefore = forward.count();
      long cpuStart = processCpuNanos();
      long start = System.currentTimeMillis();
      f.requestAll(burst);
      awaitResults(f, burst);
      pipelineCpuMs = (processCpuNanos() - cpuStart) / 1e6 / images;
      long end =
          burst.stream().mapToLong(r -> f.firstArrivalMillis(r.requestId())).max().orElseThrow();
      pipeline = images * 1000.0 / (end - start);
      latencies =
          burst.stream()
              .mapToLong(r -> f.firstArrivalMillis(r.requestId()) - start)
              .sorted()
              .toArray();
      for (TranslateRequest r : burst) {
        TranslateResult result = f.results(r.requestId()).get(0);
        if (result.status() != TranslateResult.Status.ok) {
          throw new IllegalStateException("request failed: " + result);
        }
      }
      double busy = forward.totalTime(java.util.concurrent.TimeUnit.SECONDS) - forwardBefore;
      long passes = forward.count() - passesBefore;
      modelBusy = busy / ((end - start) / 1000.0);
      meanBatch = (double) images / passes;
      System.err.printf(
          Locale.ROOT,
          "pipeline: %d forward passes, mean %.1f ms, model busy %.1f s of %.1f s%n",
          passes,
          busy * 1000 / passes,
          busy,
          (end - start) / 1000.0);
      worker.close();
    }

    double[] bareAfter = bare(generators, images, maxBatch, size);
    double[] fastest = bareAfter[0] > bareBefore[0] ? bareAfter : bareBefore;
    double bare = fastest[0];
    System.out.println(
        String.format(
            Locale.ROOT,
            "{\"images\": %d, \"maxBatch\": %d, \"pipelineImagesPerSecond\": %.2f, \"p50Ms\": %d,"
                + " \"p95Ms\": %d, \"p99Ms\": %d, \"bareImagesPerSecond\": %.2f, \"ratio\": %.3f,"
                + " \"modelBusy\": %.3f, \"meanBatch\": %.2f, \"pipelineCpuMsPerImage\": %.1f,"
                + " \"bareCpuMsPerImage\": %.1f, \"cpus\": %d, \"loadAverage\": %.2f}",
            images,
            maxBatch,
            pipeline,
            percentile(latencies, 50),
            percentile(latencies, 95),
            percentile(latencies, 99),
            bare,
            pipeline / bare,
            modelBusy,
            meanBatch,
            pipelineCpuMs,
            fastest[1],
            Runtime.getRuntime().availableProcessors(),
            java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                .getSystemLoadAverage()));
    System.exit(0); // the embedded broker leaves non-daemon threads behind
  }

  /**
   * The generator alone: the same number of images in batches of {@code maxBatch}. Returns images
   * per second and the process's CPU milliseconds per image.
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
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static void awaitResults(WorkerFixture f, List<TranslateRequest> requests) {
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofMinutes(30))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> requests.stream().allMatch(r -> f.firstArrivalMillis(r.requestId()) != null));
  }

  private static long percentile(long[] sorted, int p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  private static int arg(String[] args, int index, String env, int defaultValue) {
    if (args.length > index) {
      return Integer.parseInt(args[index]);
    }
    String v = System.getenv(env);
    return v == null || v.isBlank() ? defaultValue : Integer.parseInt(v.trim());
  }
}
