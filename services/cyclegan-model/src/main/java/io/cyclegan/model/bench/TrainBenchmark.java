package io.cyclegan.model.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.cyclegan.model.CycleGanConfig;
import io.cyclegan.model.device.DeviceSelector;
import io.cyclegan.model.device.EngineThreads;
import io.cyclegan.model.nn.FlopCount;
import io.cyclegan.model.nn.GradMode;
import io.cyclegan.model.train.CycleGanModel;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Measures training-step time for configurations given as {@code size/blocks/ngf} arguments
 * (default {@code 64/6/64 32/2/8}) and prints one JSON line each, with the achieved GFLOP/s
 * (reference FLOPs per step / median step time) and this process's libtorch float32 matmul rate for
 * comparison, and the number of libtorch operations a step runs ({@code nativeOpsPerStep}: the
 * {@code aten::} events libtorch's profiler records, over {@code bench.profiled} steps after the
 * timed ones, so that profiling does not slow the timed steps). System properties: {@code
 * bench.device} (default auto), {@code bench.steps} (timed steps, default 30 for small
 * configurations and 7 otherwise), {@code bench.warmup} (default 20 for small configurations and 2
 * otherwise), {@code bench.profiled} (default 3 for small configurations and 1 otherwise).
 *
 * <p>Small configurations ({@code size * ngf <= 512}, e.g. 32/2/8) take tens of milliseconds a
 * step, so the JIT and libtorch's allocator need many warm-up steps and the median needs many timed
 * ones; the spread (p90 - p10 of the timed steps) says how far to trust it.
 *
 * <p>Each configuration runs on the libtorch thread count a training job would choose for its step
 * ({@link EngineThreads#forTrainingSteps}: one thread for a small step on the CPU), or the one an
 * operator chose with {@code -Dai.djl.pytorch.num_threads} or {@code OMP_NUM_THREADS}; the line's
 * {@code threads} says which, and the matmul rate is measured on the same count.
 */
public final class TrainBenchmark {

  private TrainBenchmark() {}

  /** Runs the benchmark. */
  public static void main(String[] args) {
    List<String> configs = args.length > 0 ? Arrays.asList(args) : List.of("64/6/64", "32/2/8");
    Device device = DeviceSelector.select(System.getProperty("bench.device", "auto"));
    for (String spec : configs) {
      String[] p = spec.split("/");
      int size = Integer.parseInt(p[0]);
      int blocks = Integer.parseInt(p[1]);
      int ngf = Integer.parseInt(p[2]);
      boolean small = size * ngf <= 32 * 16;
      int steps = Integer.getInteger("bench.steps", small ? 30 : 7);
      int warmup = Integer.getInteger("bench.warmup", small ? 20 : 2);
      int profiled = Integer.getInteger("bench.profiled", small ? 3 : 1);
      double flops = FlopCount.trainingStepFlops(size, blocks, ngf, ngf, true);
      // The thread count a training job would choose for this step (one for a small step on the
      // CPU), unless -Dai.djl.pytorch.num_threads or OMP_NUM_THREADS chose one.
      Measurement run;
      double matmul;
      int threads;
      try (EngineThreads.Scope scope = EngineThreads.forTrainingSteps(device, flops)) {
        threads = scope.threads();
        // Matmul before and after the steps: on a shared machine the load changes under us.
        double matmulBefore = matmulGflops(device);
        run = measure(device, size, blocks, ngf, warmup, steps, profiled);
        matmul = Math.max(matmulBefore, matmulGflops(device));
      }
      double seconds = run.medianSeconds();
      double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
      System.out.println(
          String.format(
              Locale.ROOT,
              "{\"imageSize\": %d, \"generatorBlocks\": %d, \"ngf\": %d, \"ndf\": %d,"
                  + " \"device\": \"%s\", \"cpus\": %d, \"threads\": %d, \"warmupSteps\": %d,"
                  + " \"timedSteps\": %d, \"stepSeconds\": %.4f, \"stepSpread\": %.4f,"
                  + " \"nativeOpsPerStep\": %.1f,"
                  + " \"stepGflop\": %.2f, \"gflops\": %.1f, \"matmulGflops\": %.1f,"
                  + " \"fractionOfMatmul\": %.3f, \"loadAverage\": %.2f}",
              size,
              blocks,
              ngf,
              ngf,
              device,
              Runtime.getRuntime().availableProcessors(),
              threads,
              warmup,
              steps,
              seconds,
              run.spreadSeconds(),
              run.nativeOpsPerStep(),
              flops / 1e9,
              flops / seconds / 1e9,
              matmul,
              flops / seconds / 1e9 / matmul,
              load));
    }
  }

  /**
   * Timed steps' median and spread (p90 - p10), and the aten operations per profiled step.
   *
   * @param medianSeconds the median step time
   * @param spreadSeconds p90 - p10 of the step times
   * @param nativeOpsPerStep aten:: events per profiled step, 0 when none were profiled
   */
  record Measurement(double medianSeconds, double spreadSeconds, double nativeOpsPerStep) {}

  private static Measurement measure(
      Device device, int size, int blocks, int ngf, int warmup, int steps, int profiled) {
    CycleGanConfig config =
        CycleGanConfig.builder()
            .optImageSize(size)
            .optGeneratorBlocks(blocks)
            .optNgf(ngf)
            .optNdf(ngf)
            .optDevice(device.isGpu() ? "gpu:" + device.getDeviceId() : "cpu")
            .build();
    double[] times = new double[steps];
    double ops = 0;
    try (NDManager base = NDManager.newBaseManager(device);
        CycleGanModel model = new CycleGanModel(base, config)) {
      for (int i = 0; i < warmup + steps; i++) {
        double s = step(base, model, config, size);
        if (i >= warmup) {
          times[i - warmup] = s;
        }
      }
      if (profiled > 0) {
        ops =
            (double)
                    countNativeOps(
                        () -> {
                          for (int i = 0; i < profiled; i++) {
                            step(base, model, config, size);
                          }
                        })
                / profiled;
      }
    }
    Arrays.sort(times);
    double p10 = times[(int) (0.1 * (steps - 1))];
    double p90 = times[(int) (0.9 * (steps - 1))];
    return new Measurement(times[steps / 2], p90 - p10, ops);
  }

  private static double step(NDManager base, CycleGanModel model, CycleGanConfig config, int size) {
    try (NDManager step = base.newSubManager()) {
      NDArray a = step.randomUniform(-1, 1, new Shape(1, 3, size, size));
      NDArray b = step.randomUniform(-1, 1, new Shape(1, 3, size, size));
      long t0 = System.nanoTime();
      // Reading the losses synchronises an accelerator, so the time is the step's.
      model.trainStep(step, a, b, config.lr(), true);
      return (System.nanoTime() - t0) / 1e9;
    }
  }

  /**
   * The aten:: operations libtorch runs in {@code body}, from its profiler's trace (all threads,
   * nested operations included, as torch.autograd.profiler counts them).
   */
  static long countNativeOps(Runnable body) {
    try {
      Path trace = Files.createTempFile("cyclegan-profile", ".json");
      try {
        JniUtils.startProfile(false, false, false);
        try {
          body.run();
        } finally {
          JniUtils.stopProfile(trace.toString());
        }
        JsonElement root;
        try (Reader r = Files.newBufferedReader(trace, StandardCharsets.UTF_8)) {
          root = JsonParser.parseReader(r);
        }
        JsonArray events =
            root.isJsonArray()
                ? root.getAsJsonArray()
                : root.getAsJsonObject().getAsJsonArray("traceEvents");
        Map<String, Long> byName = new TreeMap<>();
        for (JsonElement e : events) {
          JsonObject o = e.getAsJsonObject();
          if (o.has("name")
              && o.get("name").getAsString().startsWith("aten::")
              && (!o.has("ph") || !"E".equals(o.get("ph").getAsString()))) {
            byName.merge(o.get("name").getAsString(), 1L, Long::sum);
          }
        }
        if (Boolean.getBoolean("bench.opsByName")) {
          // Diagnostic: where the operations go, on stderr.
          byName.forEach((name, n) -> System.err.println(n + " " + name));
        }
        return byName.values().stream().mapToLong(Long::longValue).sum();
      } finally {
        Files.deleteIfExists(trace);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The best of several 2048^3 float32 matmuls, in GFLOP/s. */
  static double matmulGflops(Device device) {
    int n = 2048;
    return GradMode.withoutGradients(
        () -> {
          try (NDManager m = NDManager.newBaseManager(device)) {
            NDArray x = m.randomUniform(-1, 1, new Shape(n, n));
            NDArray y = m.randomUniform(-1, 1, new Shape(n, n));
            List<Double> rates = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
              try (NDManager scratch = m.newSubManager()) {
                NDArray xs = x.duplicate();
                xs.attach(scratch);
                long t0 = System.nanoTime();
                NDArray z = xs.matMul(y);
                z.getFloat(0, 0); // synchronise
                double s = (System.nanoTime() - t0) / 1e9;
                if (i > 0) {
                  rates.add(2.0 * n * n * n / s / 1e9);
                }
              }
            }
            return rates.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
          }
        });
  }
}
