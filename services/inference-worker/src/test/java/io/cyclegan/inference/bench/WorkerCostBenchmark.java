package io.cyclegan.inference.bench;

import io.cyclegan.common.config.S3Settings;
import io.cyclegan.common.image.ImageValidator;
import io.cyclegan.common.messages.Direction;
import io.cyclegan.common.messages.TranslateRequest;
import io.cyclegan.common.messages.TranslateResult;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.inference.InferenceWorker;
import io.cyclegan.inference.TestModels;
import io.cyclegan.inference.WorkerFixture;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.LocalStackMain;
import io.cyclegan.localstack.ServiceProcess;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Issue 15 part 2 ({@code scripts/bench-inference.sh --split}): the inference worker's own CPU per
 * image, measured apart from the broker and the store. The local stack's main ({@link
 * LocalStackMain}) runs in a JVM of its own, as the broker and the store do in a deployment; the
 * worker runs in this JVM. Prints JSON lines on stdout:
 *
 * <ul>
 *   <li>{@code bench: "worker-cost"}: {@code workerCpuMsPerImage} (this JVM's CPU during the burst,
 *       less the benchmark's own client threads, per image), {@code bareCpuMsPerImage} (the
 *       generator alone on the same images at the same batch size, this JVM), {@code
 *       codecCpuMsPerImage} (one PNG decode plus one encode with the worker's encoder, this
 *       thread), {@code overheadCpuMsPerImage} (worker minus bare) and the ratios the issue aims
 *       at;
 *   <li>{@code bench: "png-encode"}: the encoder lever side by side, same image, same JVM:
 *       ImageIO's default against the worker's encoder ({@code ImageValidator.encodePng} at {@link
 *       ImageValidator#FAST_DEFLATE_LEVEL}), CPU per encode and bytes.
 * </ul>
 *
 * <p>Arguments (or environment): images ({@code IMAGES}, 128), maxBatch ({@code MAX_BATCH}, 8),
 * image size ({@code SIZE}, 64), residual blocks ({@code BLOCKS}, 6), width ({@code NGF}, 64),
 * batch delay ({@code MAX_BATCH_DELAY_MS}, 20).
 */
public final class WorkerCostBenchmark {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private WorkerCostBenchmark() {}

  public static void main(String[] args) throws Exception {
    int images = arg(args, 0, "IMAGES", 128);
    int maxBatch = arg(args, 1, "MAX_BATCH", 8);
    int size = arg(args, 2, "SIZE", 64);
    int blocks = arg(args, 3, "BLOCKS", 6);
    int ngf = arg(args, 4, "NGF", 64);
    int delayMs = arg(args, 5, "MAX_BATCH_DELAY_MS", 20);
    byte[] generators = TestModels.generators(ngf, blocks, 7);
    BufferedImage sample = TestModels.image(size, size, 1);
    double[] codec = codec(sample, Math.max(20, 200 * 64 * 64 / (size * size)));
    double[] bareBefore = InferenceBenchmark.bare(generators, images, maxBatch, size);

    int kafkaPort = freePort();
    int s3Port = freePort();
    double workerCpuMs;
    double clientCpuMs;
    double seconds;
    String threads;
    String gcJit;
    ServiceProcess stackProcess =
        ServiceProcess.builder()
            .setMainClass(LocalStackMain.class.getName())
            .optArgs(
                List.of(
                    "--kafka-port", Integer.toString(kafkaPort),
                    "--s3-port", Integer.toString(s3Port)))
            .optJvmOptions(List.of("-Xmx1g"))
            .build()
            .start();
    try {
      stackProcess.awaitLog("cyclegan local stack is up", Duration.ofMinutes(3));
      Map<String, String> env =
          Map.of(
              "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + kafkaPort,
              "S3_ENDPOINT", "http://127.0.0.1:" + s3Port,
              "S3_REGION", LocalStack.REGION,
              "S3_BUCKET", LocalStack.DEFAULT_BUCKET,
              "S3_ACCESS_KEY", LocalStack.DEFAULT_ACCESS_KEY,
              "S3_SECRET_KEY", LocalStack.DEFAULT_SECRET_KEY);
      ObjectStore store =
          new ObjectStore(
              S3Settings.of(
                  env.get("S3_ENDPOINT"),
                  LocalStack.DEFAULT_BUCKET,
                  LocalStack.DEFAULT_ACCESS_KEY,
                  LocalStack.DEFAULT_SECRET_KEY));
      try (WorkerFixture f = new WorkerFixture(env, store, "bench")) {
        f.publishModel("bench", "v1", generators);
        int warm = Math.max(maxBatch, images / 4);
        for (int i = 0; i < images + warm; i++) {
          f.putInput("img-" + i, TestModels.image(size, size, i));
        }
        InferenceWorker worker =
            f.startWorker(
                Map.of(
                    "CYCLEGAN_MAX_BATCH", Integer.toString(maxBatch),
                    "CYCLEGAN_MAX_BATCH_DELAY_MS", Integer.toString(delayMs)));
        List<TranslateRequest> warmUp = new ArrayList<>();
        for (int i = images; i < images + warm; i++) {
          warmUp.add(f.claimCheck("img-" + i, "bench", null, Direction.AtoB, size, size));
        }
        f.requestAll(warmUp);
        await(f, warmUp);

        List<TranslateRequest> burst = new ArrayList<>();
        for (int i = 0; i < images; i++) {
          burst.add(f.claimCheck("img-" + i, "bench", null, Direction.AtoB, size, size));
        }
        Map<Long, String> names = new HashMap<>();
        Map<Long, Long> threadsBefore = threadCpu(names);
        long gcStart = gcMillis();
        long jitStart = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
        long clientStart = clientCpuNanos();
        long cpuStart = InferenceBenchmark.processCpuNanos();
        long start = System.nanoTime();
        f.requestAll(burst);
        await(f, burst);
        long cpu = InferenceBenchmark.processCpuNanos() - cpuStart;
        seconds = (System.nanoTime() - start) / 1e9;
        long client = clientCpuNanos() - clientStart;
        Map<Long, Long> threadsAfter = threadCpu(names);
        threads = byThreadGroup(threadsBefore, threadsAfter, names, cpu, images);
        gcJit =
            String.format(
                Locale.ROOT,
                ", \"gcMsPerImage\": %.2f, \"jitMsPerImage\": %.2f",
                (gcMillis() - gcStart) / (double) images,
                (ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - jitStart)
                    / (double) images);
        workerCpuMs = (cpu - client) / 1e6 / images;
        clientCpuMs = client / 1e6 / images;
        for (TranslateRequest r : burst) {
          TranslateResult result = f.results(r.requestId()).get(0);
          if (result.status() != TranslateResult.Status.ok) {
            throw new IllegalStateException("request failed: " + result);
          }
        }
        worker.close();
      }
    } finally {
      stackProcess.close();
    }
    double[] bareAfter = InferenceBenchmark.bare(generators, images, maxBatch, size);
    // The lower CPU figure: on a shared machine the load moves during a run, and the lower bare
    // figure gives the larger (more conservative) overhead.
    double bareCpuMs = Math.min(bareBefore[1], bareAfter[1]);
    double overhead = workerCpuMs - bareCpuMs;
    System.out.println(
        String.format(
            Locale.ROOT,
            "{\"bench\": \"worker-cost\", \"size\": %d, \"blocks\": %d, \"ngf\": %d, \"images\":"
                + " %d, \"maxBatch\": %d, \"workerCpuMsPerImage\": %.2f, \"bareCpuMsPerImage\":"
                + " %.2f, \"codecCpuMsPerImage\": %.3f, \"overheadCpuMsPerImage\": %.2f,"
                + " \"overheadOverCodec\": %.2f, \"overheadOverBare\": %.3f,"
                + " \"clientCpuMsPerImage\": %.2f, \"pipelineImagesPerSecond\": %.2f,"
                + " \"bareImagesPerSecond\": %.2f, \"cpus\": %d, \"loadAverage\": %.2f}",
            size,
            blocks,
            ngf,
            images,
            maxBatch,
            workerCpuMs,
            bareCpuMs,
            codec[0],
            overhead,
            overhead / codec[0],
            overhead / bareCpuMs,
            clientCpuMs,
            images / seconds,
            Math.max(bareBefore[0], bareAfter[0]),
            Runtime.getRuntime().availableProcessors(),
            ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
    System.out.println(
        String.format(
            Locale.ROOT,
            "{\"bench\": \"png-encode\", \"size\": %d, \"imageioDefaultEncodeCpuMs\": %.3f,"
                + " \"imageioDefaultBytes\": %d, \"workerEncodeCpuMs\": %.3f, \"workerBytes\": %d,"
                + " \"decodeCpuMs\": %.3f}",
            size,
            codec[3],
            (long) codec[4],
            codec[2],
            (long) codec[5],
            codec[1]));
    System.out.println(
        "{\"bench\": \"worker-threads\", \"size\": "
            + size
            + ", \"cpuMsPerImage\": "
            + threads
            + gcJit
            + "}");
    System.exit(0);
  }

  /** Wall time the garbage collectors spent so far, all collectors. */
  private static long gcMillis() {
    long ms = 0;
    for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      ms += Math.max(0, gc.getCollectionTime());
    }
    return ms;
  }

  /** CPU time of every live Java thread of this JVM, by id; {@code names} collects their names. */
  private static Map<Long, Long> threadCpu(Map<Long, String> names) {
    Map<Long, Long> out = new HashMap<>();
    for (ThreadInfo t : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
      if (t != null) {
        long ns = THREADS.getThreadCpuTime(t.getThreadId());
        if (ns >= 0) {
          out.put(t.getThreadId(), ns);
          names.put(t.getThreadId(), t.getThreadName());
        }
      }
    }
    return out;
  }

  /**
   * The burst's CPU per image by thread group (names with their digits dropped), largest first, as
   * a JSON object; {@code "native"} is what no Java thread accounts for (libtorch's own threads,
   * the JVM's GC and compiler threads).
   */
  private static String byThreadGroup(
      Map<Long, Long> before, Map<Long, Long> after, Map<Long, String> names, long total, int n) {
    Map<String, Long> groups = new HashMap<>();
    long java = 0;
    for (Map.Entry<Long, Long> e : after.entrySet()) {
      long delta = e.getValue() - before.getOrDefault(e.getKey(), 0L);
      java += delta;
      String group = names.get(e.getKey()).replaceAll("[0-9a-f]{8}|[0-9]+", "#");
      groups.merge(group, delta, Long::sum);
    }
    groups.put("native", total - java);
    StringBuilder json = new StringBuilder("{");
    groups.entrySet().stream()
        .filter(e -> e.getValue() / 1e6 / n >= 0.05)
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(
            e ->
                json.append(json.length() > 1 ? ", " : "")
                    .append('"')
                    .append(e.getKey().replace("\"", "'"))
                    .append("\": ")
                    .append(String.format(Locale.ROOT, "%.2f", e.getValue() / 1e6 / n)));
    return json.append('}').toString();
  }

  /**
   * CPU of this thread per operation, after a warm-up of the same count: {decode + worker encode,
   * decode, worker encode, ImageIO default encode, ImageIO default bytes, worker bytes}. Decode is
   * the worker's ({@code ImageIO.read} on a memory stream); the worker's encode is its output's, at
   * {@link ImageValidator#FAST_DEFLATE_LEVEL}.
   */
  static double[] codec(BufferedImage image, int reps) {
    byte[] png = ImageValidator.encodePng(image, ImageValidator.FAST_DEFLATE_LEVEL);
    byte[] defaultPng = imageIoDefault(image);
    double[] out = new double[6];
    for (int round = 0; round < 2; round++) { // the first round warms the JIT up
      long t0 = THREADS.getCurrentThreadCpuTime();
      for (int i = 0; i < reps; i++) {
        decode(png);
      }
      long t1 = THREADS.getCurrentThreadCpuTime();
      for (int i = 0; i < reps; i++) {
        ImageValidator.encodePng(image, ImageValidator.FAST_DEFLATE_LEVEL);
      }
      long t2 = THREADS.getCurrentThreadCpuTime();
      for (int i = 0; i < reps; i++) {
        imageIoDefault(image);
      }
      long t3 = THREADS.getCurrentThreadCpuTime();
      out[1] = (t1 - t0) / 1e6 / reps;
      out[2] = (t2 - t1) / 1e6 / reps;
      out[3] = (t3 - t2) / 1e6 / reps;
    }
    out[0] = out[1] + out[2];
    out[4] = defaultPng.length;
    out[5] = png.length;
    return out;
  }

  private static BufferedImage decode(byte[] png) {
    try {
      return ImageIO.read(new MemoryCacheImageInputStream(new ByteArrayInputStream(png)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The worker's encoder before issue 15: {@code ImageIO.write} with no parameters (deflate level
   * 4) on a memory-backed stream.
   */
  static byte[] imageIoDefault(BufferedImage image) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(image.getWidth() * image.getHeight());
    try (ImageOutputStream ios = new MemoryCacheImageOutputStream(out)) {
      ImageIO.write(image, "png", ios);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * CPU of the benchmark's own client in this JVM (this thread, which waits for the results; the
   * fixture's producer and result collector), so that it can be taken out of the worker's figure.
   */
  private static long clientCpuNanos() {
    long total = THREADS.getCurrentThreadCpuTime();
    for (ThreadInfo t : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
      if (t == null) {
        continue;
      }
      String name = t.getThreadName();
      if (name.startsWith("it-collector-")
          || name.startsWith("kafka-producer-network-thread | it-")) {
        long ns = THREADS.getThreadCpuTime(t.getThreadId());
        total += Math.max(0, ns);
      }
    }
    return total;
  }

  private static void await(WorkerFixture f, List<TranslateRequest> requests) {
    long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
    while (!requests.stream().allMatch(r -> f.firstArrivalMillis(r.requestId()) != null)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("results missing after 30 minutes");
      }
      try {
        Thread.sleep(20); // a benchmark's poll of the collector, not a test's synchronisation
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    }
  }

  private static int arg(String[] args, int index, String env, int defaultValue) {
    if (args.length > index) {
      return Integer.parseInt(args[index]);
    }
    String v = System.getenv(env);
    return v == null || v.isBlank() ? defaultValue : Integer.parseInt(v.trim());
  }
}
