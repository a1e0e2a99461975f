package io.cyclegan.model.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import io.cyclegan.model.CycleGanConfig;
import io.cyclegan.model.device.DeviceSelector;
import io.cyclegan.model.nn.FlopCount;
import io.cyclegan.model.nn.GradMode;
import io.cyclegan.model.train.CycleGanModel;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Measures training-step time for configurations given as {@code size/blocks/ngf} arguments
 * (default {@code 64/6/64 32/2/8}) and prints one JSON line each, with the achieved GFLOP/s
 * (reference FLOPs per step / median step time) and this process's libtorch float32 matmul rate for
 * comparison. System properties: {@code bench.device} (default auto), {@code bench.steps}
 * (measured, default 7), {@code bench.warmup} (default 2).
 */
public final class TrainBenchmark {

  private TrainBenchmark() {}

  /** Runs the benchmark. */
  public static void main(String[] args) {
    List<String> configs = args.length > 0 ? Arrays.asList(args) : List.of("64/6/64", "32/2/8");
    Device device = DeviceSelector.select(System.getProperty("bench.device", "auto"));
    int steps = Integer.getInteger("bench.steps", 7);
    int warmup = Integer.getInteger("bench.warmup", 2);
    for (String spec : configs) {
      String[] p = spec.split("/");
      int size = Integer.parseInt(p[0]);
      int blocks = Integer.parseInt(p[1]);
      int ngf = Integer.parseInt(p[2]);
      // Matmul before and after the steps: on a shared machine the load changes under us.
      double matmulBefore = matmulGflops(device);
      double seconds = medianStepSeconds(device, size, blocks, ngf, warmup, steps);
      double matmul = Math.max(matmulBefore, matmulGflops(device));
      double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
      double flops = FlopCount.trainingStepFlops(size, blocks, ngf, ngf, true);
      System.out.println(
          String.format(
              Locale.ROOT,
              "{\"imageSize\": %d, \"generatorBlocks\": %d, \"ngf\": %d, \"ndf\": %d,"
                  + " \"device\": \"%s\", \"cpus\": %d, \"threads\": %d, \"stepSeconds\": %.4f,"
                  + " \"stepGflop\": %.2f, \"gflops\": %.1f, \"matmulGflops\": %.1f,"
                  + " \"fractionOfMatmul\": %.3f, \"loadAverage\": %.2f}",
              size,
              blocks,
              ngf,
              ngf,
              device,
              Runtime.getRuntime().availableProcessors(),
              JniUtils.getNumThreads(),
              seconds,
              flops / 1e9,
              flops / seconds / 1e9,
              matmul,
              flops / seconds / 1e9 / matmul,
              load));
    }
  }

  private static double medianStepSeconds(
      Device device, int size, int blocks, int ngf, int warmup, int steps) {
    CycleGanConfig config =
        CycleGanConfig.builder()
            .optImageSize(size)
            .optGeneratorBlocks(blocks)
            .optNgf(ngf)
            .optNdf(ngf)
            .optDevice(device.isGpu() ? "gpu:" + device.getDeviceId() : "cpu")
            .build();
    double[] times = new double[steps];
    try (NDManager base = NDManager.newBaseManager(device);
        CycleGanModel model = new CycleGanModel(base, config)) {
      for (int i = 0; i < warmup + steps; i++) {
        try (NDManager step = base.newSubManager()) {
          NDArray a = step.randomUniform(-1, 1, new Shape(1, 3, size, size));
          NDArray b = step.randomUniform(-1, 1, new Shape(1, 3, size, size));
          long t0 = System.nanoTime();
          // Reading the losses synchronises an accelerator, so the time is the step's.
          model.trainStep(step, a, b, config.lr(), true);
          double s = (System.nanoTime() - t0) / 1e9;
          if (i >= warmup) {
            times[i - warmup] = s;
          }
        }
      }
    }
    Arrays.sort(times);
    return times[steps / 2];
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
