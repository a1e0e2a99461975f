package io.cyclegan.inference.bench;

import io.cyclegan.common.messages.TranslateRequest;
import io.cyclegan.inference.InferenceWorker;
import io.cyclegan.inference.WorkerFixture;
import io.cyclegan.localstack.LocalStack;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline benchmark of {@code scripts/bench-inference.sh}: N images through Kafka, the worker
 * and the store on the embedded stack, against the bare generator at the same batch size in the
 * same process. Prints one JSON line on stdout. Arguments as {@link BenchRig.Args}.
 */
public final class InferenceBenchmark {
  private InferenceBenchmark() {}

  public static void main(String[] args) throws Exception {
    BenchRig.Args a = BenchRig.Args.parse(args);
    int images = a.images();
    int maxBatch = a.maxBatch();
    byte[] generators = a.generators();
    // Measured before and after the pipeline, the better kept: on a shared machine the load
    // changes during a run, and the faster bare figure gives the more conservative ratio.
    double[] bareBefore = BenchRig.bare(generators, images, maxBatch, a.size());

    double pipeline;
    double modelBusy;
    double meanBatch;
    double pipelineCpuMs;
    long[] latencies;
    try (LocalStack stack = LocalStack.builder().build().start();
        WorkerFixture f = new WorkerFixture(stack, "bench")) {
      f.publishModel("bench", "v1", generators);
      List<TranslateRequest> warmUp = BenchRig.inputs(f, "warm", maxBatch, a.size());
      List<TranslateRequest> burst = BenchRig.inputs(f, "img", images, a.size());
      InferenceWorker worker = f.startWorker(a.workerEnv(Map.of()));
      // Warm-up: loads the model and lets the engine pick its kernels.
      BenchRig.sendAndAwait(f, warmUp);

      var forward = worker.registry().get("cyclegan.inference").timer();
      double forwardBefore = forward.totalTime(TimeUnit.SECONDS);
      long passesBefore = forward.count();
      long cpuStart = BenchRig.processCpuNanos();
      long start = System.currentTimeMillis();
      BenchRig.sendAndAwait(f, burst);
      pipelineCpuMs = (BenchRig.processCpuNanos() - cpuStart) / 1e6 / images;
      long end =
          burst.stream().mapToLong(r -> f.firstArrivalMillis(r.requestId())).max().orElseThrow();
      pipeline = images * 1000.0 / (end - start);
      latencies =
          burst.stream()
              .mapToLong(r -> f.firstArrivalMillis(r.requestId()) - start)
              .sorted()
              .toArray();
      BenchRig.requireOk(f, burst);
      double busy = forward.totalTime(TimeUnit.SECONDS) - forwardBefore;
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

    double[] bareAfter = BenchRig.bare(generators, images, maxBatch, a.size());
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
            BenchRig.percentile(latencies, 50),
            BenchRig.percentile(latencies, 95),
            BenchRig.percentile(latencies, 99),
            bare,
            pipeline / bare,
            modelBusy,
            meanBatch,
            pipelineCpuMs,
            fastest[1],
            Runtime.getRuntime().availableProcessors(),
            BenchRig.loadAverage()));
    System.exit(0); // the embedded broker leaves non-daemon threads behind
  }
}
