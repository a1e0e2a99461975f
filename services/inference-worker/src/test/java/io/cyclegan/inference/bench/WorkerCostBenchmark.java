package io.cyclegan.inference.bench;

import io.cyclegan.common.config.S3Settings;
import io.cyclegan.common.image.ByteArrayImageInputStream;
import io.cyclegan.common.image.ImageValidator;
import io.cyclegan.common.messages.TranslateRequest;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.inference.InferenceWorker;
import io.cyclegan.inference.TestModels;
import io.cyclegan.inference.WorkerFixture;
import io.cyclegan.inference.images.InputImages;
import io.cyclegan.inference.images.OutputImages;
import io.cyclegan.inference.images.PreparedImage;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.LocalStackMain;
import io.cyclegan.localstack.ServiceProcess;
import io.cyclegan.model.device.EngineThreads;
import java.awt.image.BufferedImage;
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
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Issue 15 part 2 ({@code scripts/bench-inference.sh --split}): the inference worker's own CPU per
 * image, measured apart from the broker and the store. The local stack's main ({@link
 * LocalStackMain}) runs in a JVM of its own, as the broker and the store do in a deployment; the
 * worker runs in this JVM. After a warm-up of a quarter of the burst (at least one batch), the
 * worker gets {@code BENCH_ROUNDS} (3) bursts of N claim checks, each sent at once; with {@code
 * BENCH_B} (worker settings, {@code K=V,K=V}) the rounds alternate between the shipped settings (A)
 * and A plus those (B), a restarted worker for each burst (its model loaded by a batch before the
 * clock starts), so a lever is compared within one run. Prints JSON lines on stdout:
 *
 * <ul>
 *   <li>{@code bench: "worker-burst"}, one per burst: the burst's CPU per image, its forward passes
 *       (wall time per image by the worker's timer), the JIT compiler's and the collectors' time,
 *       {@code aroundModelCpuMsPerImage} (the worker's Java threads other than the model's), the
 *       bare generator run right after the burst ({@code pairedBareCpuMsPerImage}) and the burst
 *       less it, and the load average;
 *   <li>{@code bench: "worker-cost"}, one per variant, from its last burst: {@code
 *       workerCpuMsPerImage} (this JVM's CPU during the burst, less the benchmark's own client
 *       threads, per image), {@code bareCpuMsPerImage} (the generator alone on the same images at
 *       the same batch size, this JVM, before and after the bursts, the lower kept), {@code
 *       codecCpuMsPerImage} (one PNG decode plus one encode with the worker's encoder, this thread,
 *       the lowest of five timed rounds before and five after the bursts), {@code
 *       overheadCpuMsPerImage} (worker minus bare) and the ratios the issue aims at; {@code
 *       pairedOverheadCpuMsPerImage}, the median of the later half of the bursts' paired overheads,
 *       and {@code aroundModelCpuMsPerImage}, each also over the codec; {@code outputFormat}, what
 *       the claim checks ask for ({@code BENCH_OUTPUT_FORMAT}: png, the default, or jpeg);
 *   <li>{@code bench: "png-encode"}: the encoder lever side by side, same image, same JVM:
 *       ImageIO's default, the worker's encoder ({@code ImageValidator.encodeFastPng}) and the one
 *       it replaced ({@code ImageValidator.encodePng} at {@link ImageValidator#FAST_DEFLATE_LEVEL},
 *       {@code level1EncodeCpuMs}), CPU per encode and bytes;
 *   <li>{@code bench: "worker-threads"}, one per variant, from its last burst: CPU per image by
 *       thread group.
 * </ul>
 *
 * <p>Arguments as {@link BenchRig.Args}.
 */
public final class WorkerCostBenchmark {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /** Rounds of the codec measurement: the first warms the JIT up, the lowest of the rest kept. */
  private static final int CODEC_ROUNDS = 6;

  private WorkerCostBenchmark() {}

  /** What one burst measured. */
  private record Burst(
      String variant,
      int round,
      double workerCpuMs,
      double clientCpuMs,
      double seconds,
      double forwardMsPerImage,
      double meanBatch,
      double gcMs,
      double jitMs,
      double aroundModelCpuMs,
      String threads) {}

  /** A burst and the bare generator's CPU per image measured right after it. */
  private record Paired(Burst burst, double bareCpuMs) {
    double overheadCpuMs() {
      return burst.workerCpuMs() - bareCpuMs;
    }
  }

  public static void main(String[] args) throws Exception {
    BenchRig.Args a = BenchRig.Args.parse(args);
    int images = a.images();
    int maxBatch = a.maxBatch();
    int size = a.size();
    int rounds = Integer.parseInt(System.getenv().getOrDefault("BENCH_ROUNDS", "3").trim());
    Map<String, Map<String, String>> variants = new LinkedHashMap<>();
    variants.put("A", Map.of());
    String b = System.getenv("BENCH_B");
    if (b != null && !b.isBlank()) {
      variants.put("B", settings(b));
    }
    byte[] generators = a.generators();
    BufferedImage sample = TestModels.image(size, size, 1);
    int codecReps = Math.max(20, 200 * 64 * 64 / (size * size));
    Codec codec = codec(sample, codecReps);
    ai.djl.engine.Engine.getInstance(); // loads libtorch
    // The count the worker's model thread takes without CYCLEGAN_INFERENCE_THREADS.
    int defaultThreads = EngineThreads.fitToProcessors();
    // The bare generator at each variant's thread count: libtorch's CPU per image depends on it.
    Map<String, double[]> bareBefore = bareByVariant(variants, defaultThreads, generators, a);

    int kafkaPort = freePort();
    int s3Port = freePort();
    Map<String, List<Paired>> measured = new LinkedHashMap<>();
    String inputRead;
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
        inputRead = inputRead(store, sample, Math.max(50, images));
        f.publishModel("bench", "v1", generators);
        InferenceWorker worker = f.startWorker(a.workerEnv(Map.of()));
        String running = "A";
        BenchRig.sendAndAwait(f, BenchRig.inputs(f, "warm", Math.max(maxBatch, images / 4), size));
        for (int round = 1; round <= rounds; round++) {
          for (Map.Entry<String, Map<String, String>> v : variants.entrySet()) {
            if (!v.getKey().equals(running)) {
              worker.close();
              worker = f.startWorker(a.workerEnv(v.getValue()));
              running = v.getKey();
              BenchRig.sendAndAwait(
                  f, BenchRig.inputs(f, "load-" + round + running, maxBatch, size));
            }
            List<TranslateRequest> burst = BenchRig.inputs(f, "r" + round + running, images, size);
            Burst m = burst(f, worker, burst, running, round);
            // The bare generator right after each burst, the worker idle: both see the same load
            // on the machine, which moved the bare figure by 20-30% between the start and the end
            // of one run.
            Paired p = new Paired(m, bare(v.getValue(), defaultThreads, generators, a)[1]);
            measured.computeIfAbsent(running, k -> new ArrayList<>()).add(p);
            System.out.println(burstLine(a, p));
          }
        }
        worker.close();
      }
    } finally {
      stackProcess.close();
    }
    Map<String, double[]> bareAfter = bareByVariant(variants, defaultThreads, generators, a);
    // Again after the bursts, with the worker's decode and encode paths compiled as a long-running
    // worker has them; the lower of the two kept (the smaller codec gives the larger, more
    // conservative overhead/codec ratio).
    codec = codec.lower(codec(sample, codecReps));
    Map<String, Burst> last = new LinkedHashMap<>();
    measured.forEach((variant, bursts) -> last.put(variant, bursts.get(bursts.size() - 1).burst()));
    for (Burst m : last.values()) {
      // The median of the paired overheads over the later half of the bursts (the JIT compiler's
      // share falls burst by burst), each burst against the bare generator run right after it.
      List<Paired> bursts = measured.get(m.variant());
      double pairedOverhead =
          median(
              bursts.subList(bursts.size() / 2, bursts.size()).stream()
                  .mapToDouble(Paired::overheadCpuMs)
                  .toArray());
      // The lower CPU figure: on a shared machine the load moves during a run, and the lower bare
      // figure gives the larger (more conservative) overhead.
      double bareCpuMs = Math.min(bareBefore.get(m.variant())[1], bareAfter.get(m.variant())[1]);
      int bareThreads = threadsOf(variants.get(m.variant()), defaultThreads);
      double overhead = m.workerCpuMs() - bareCpuMs;
      System.out.println(
          String.format(
              Locale.ROOT,
              "{\"bench\": \"worker-cost\", \"variant\": \"%s\", \"settings\": \"%s\","
                  + " \"outputFormat\": \"%s\", \"size\": %d, \"blocks\": %d, \"ngf\": %d, \"images\": %d, \"maxBatch\":"
                  + " %d, \"burst\": %d, \"workerCpuMsPerImage\": %.2f, \"bareCpuMsPerImage\":"
                  + " %.2f, \"codecCpuMsPerImage\": %.3f, \"overheadCpuMsPerImage\": %.2f,"
                  + " \"overheadOverCodec\": %.2f, \"overheadOverBare\": %.3f,"
                  + " \"clientCpuMsPerImage\": %.2f, \"pipelineImagesPerSecond\": %.2f,"
                  + " \"bareImagesPerSecond\": %.2f, \"bareThreads\": %d,"
                  + " \"pairedOverheadCpuMsPerImage\": %.2f, \"pairedOverheadOverCodec\": %.2f,"
                  + " \"pairedBursts\": %d, \"aroundModelCpuMsPerImage\": %.2f,"
                  + " \"aroundModelOverCodec\": %.2f, \"cpus\": %d, \"loadAverage\": %.2f}",
              m.variant(),
              describe(variants.get(m.variant())),
              BenchRig.OUTPUT_FORMAT,
              size,
              a.blocks(),
              a.ngf(),
              images,
              maxBatch,
              m.round(),
              m.workerCpuMs(),
              bareCpuMs,
              codec.cpuMs(),
              overhead,
              overhead / codec.cpuMs(),
              overhead / bareCpuMs,
              m.clientCpuMs(),
              images / m.seconds(),
              Math.max(bareBefore.get(m.variant())[0], bareAfter.get(m.variant())[0]),
              bareThreads,
              pairedOverhead,
              pairedOverhead / codec.cpuMs(),
              bursts.size() - bursts.size() / 2,
              m.aroundModelCpuMs(),
              m.aroundModelCpuMs() / codec.cpuMs(),
              Runtime.getRuntime().availableProcessors(),
              BenchRig.loadAverage()));
    }
    System.out.println(
        String.format(
            Locale.ROOT,
            "{\"bench\": \"png-encode\", \"size\": %d, \"imageioDefaultEncodeCpuMs\": %.3f,"
                + " \"imageioDefaultBytes\": %d, \"workerEncodeCpuMs\": %.3f, \"workerBytes\": %d,"
                + " \"decodeCpuMs\": %.3f, \"pixelCopiesCpuMs\": %.3f,"
                + " \"pixelCopiesBeforeCpuMs\": %.3f, \"jpegEncodeCpuMs\": %.3f, \"jpegBytes\": %d,"
                + " \"level1EncodeCpuMs\": %.3f, \"level1Bytes\": %d}",
            size,
            codec.imageIoDefaultEncodeMs(),
            codec.imageIoDefaultBytes(),
            codec.workerEncodeMs(),
            codec.workerBytes(),
            codec.decodeMs(),
            codec.copiesMs(),
            codec.copiesPixelByPixelMs(),
            codec.jpegEncodeMs(),
            codec.jpegBytes(),
            codec.level1EncodeMs(),
            codec.level1Bytes()));
    System.out.println(inputRead);
    for (Burst m : last.values()) {
      System.out.println(
          String.format(
              Locale.ROOT,
              "{\"bench\": \"worker-threads\", \"variant\": \"%s\", \"size\": %d,"
                  + " \"cpuMsPerImage\": %s, \"gcMsPerImage\": %.2f, \"jitMsPerImage\": %.2f}",
              m.variant(),
              size,
              m.threads(),
              m.gcMs(),
              m.jitMs()));
    }
    System.exit(0);
  }

  /** One burst: every claim check sent at once, measured until the last result has arrived. */
  private static Burst burst(
      WorkerFixture f,
      InferenceWorker worker,
      List<TranslateRequest> burst,
      String variant,
      int round) {
    int images = burst.size();
    var forward = worker.registry().get("cyclegan.inference").timer();
    double forwardBefore = forward.totalTime(TimeUnit.MILLISECONDS);
    long passesBefore = forward.count();
    Map<Long, String> names = new HashMap<>();
    Map<Long, Long> threadsBefore = threadCpu(names);
    long gcStart = gcMillis();
    long jitStart = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
    long clientStart = clientCpuNanos();
    long cpuStart = BenchRig.processCpuNanos();
    long start = System.nanoTime();
    BenchRig.sendAndAwait(f, burst);
    long cpu = BenchRig.processCpuNanos() - cpuStart;
    double seconds = (System.nanoTime() - start) / 1e9;
    long client = clientCpuNanos() - clientStart;
    Map<Long, Long> threadsAfter = threadCpu(names);
    BenchRig.requireOk(f, burst);
    long passes = forward.count() - passesBefore;
    return new Burst(
        variant,
        round,
        (cpu - client) / 1e6 / images,
        client / 1e6 / images,
        seconds,
        (forward.totalTime(TimeUnit.MILLISECONDS) - forwardBefore) / images,
        passes == 0 ? 0 : (double) images / passes,
        (gcMillis() - gcStart) / (double) images,
        (ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - jitStart)
            / (double) images,
        aroundModel(threadsBefore, threadsAfter, names) / 1e6 / images,
        byThreadGroup(threadsBefore, threadsAfter, names, cpu, images));
  }

  private static String burstLine(BenchRig.Args a, Paired p) {
    Burst m = p.burst();
    return String.format(
        Locale.ROOT,
        "{\"bench\": \"worker-burst\", \"variant\": \"%s\", \"burst\": %d, \"size\": %d,"
            + " \"images\": %d, \"workerCpuMsPerImage\": %.2f, \"forwardWallMsPerImage\": %.2f,"
            + " \"meanBatch\": %.2f, \"imagesPerSecond\": %.2f, \"jitMsPerImage\": %.2f,"
            + " \"gcMsPerImage\": %.2f, \"aroundModelCpuMsPerImage\": %.2f,"
            + " \"pairedBareCpuMsPerImage\": %.2f, \"pairedOverheadCpuMsPerImage\": %.2f,"
            + " \"loadAverage\": %.2f}",
        m.variant(),
        m.round(),
        a.size(),
        a.images(),
        m.workerCpuMs(),
        m.forwardMsPerImage(),
        m.meanBatch(),
        a.images() / m.seconds(),
        m.jitMs(),
        m.gcMs(),
        m.aroundModelCpuMs(),
        p.bareCpuMs(),
        p.overheadCpuMs(),
        BenchRig.loadAverage());
  }

  /**
   * The bare generator once per variant, on this thread at the variant's libtorch thread count
   * ({@code CYCLEGAN_INFERENCE_THREADS}, else libtorch's default), which is restored after.
   */
  private static Map<String, double[]> bareByVariant(
      Map<String, Map<String, String>> variants,
      int defaultThreads,
      byte[] generators,
      BenchRig.Args a) {
    Map<String, double[]> out = new HashMap<>();
    for (Map.Entry<String, Map<String, String>> v : variants.entrySet()) {
      out.put(v.getKey(), bare(v.getValue(), defaultThreads, generators, a));
    }
    return out;
  }

  /** The bare generator with one variant's settings: {images per second, CPU ms per image}. */
  private static double[] bare(
      Map<String, String> settings, int defaultThreads, byte[] generators, BenchRig.Args a) {
    EngineThreads.useIntraOp(threadsOf(settings, defaultThreads));
    try {
      return BenchRig.bare(generators, a.images(), a.maxBatch(), a.size());
    } finally {
      EngineThreads.useIntraOp(defaultThreads);
    }
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /**
   * CPU of the worker's Java threads other than the model's during a burst: reading claim checks,
   * fetching and decoding inputs, encoding and writing outputs, publishing results. Leaves out the
   * model thread (the forward pass and its copies), libtorch's, the collector's and the JIT
   * compiler's threads, and the benchmark's own (this thread, the results' collector and the seed
   * producer): a lower bound of the worker's own work that does not depend on the bare figure.
   */
  private static long aroundModel(
      Map<Long, Long> before, Map<Long, Long> after, Map<Long, String> names) {
    long ns = 0;
    long self = Thread.currentThread().getId();
    for (Map.Entry<Long, Long> e : after.entrySet()) {
      String name = names.get(e.getKey());
      if (e.getKey() == self || name.equals("inference-model") || isClient(name)) {
        continue;
      }
      ns += e.getValue() - before.getOrDefault(e.getKey(), 0L);
    }
    return ns;
  }

  private static int threadsOf(Map<String, String> settings, int defaultThreads) {
    int t = Integer.parseInt(settings.getOrDefault("CYCLEGAN_INFERENCE_THREADS", "0"));
    return t > 0 ? t : defaultThreads;
  }

  /** {@code K=V,K=V} as a map of worker settings. */
  private static Map<String, String> settings(String spec) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String kv : spec.split(",")) {
      int eq = kv.indexOf('=');
      if (eq < 1) {
        throw new IllegalArgumentException("BENCH_B: expected K=V,K=V, found '" + kv + "'");
      }
      out.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
    }
    return out;
  }

  private static String describe(Map<String, String> settings) {
    return settings.isEmpty()
        ? "shipped defaults"
        : settings.entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue())
            .reduce((x, y) -> x + "," + y)
            .orElse("");
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
   * CPU of this thread per operation on one image (ms; the lowest of the timed rounds) and bytes.
   * Decode is the worker's ({@code ImageIO.read} on a {@code ByteArrayImageInputStream}) of a PNG
   * written at {@link ImageValidator#FAST_DEFLATE_LEVEL}; the worker's encode is its output's
   * ({@link ImageValidator#encodeFastPng(BufferedImage)}), level 1 the one it replaced; copies are
   * the worker's pixel copies between image and tensor (to CHW floats and padded, into the batch
   * array, and back: crop and to an image), the most that direct buffers could save, and the
   * per-pixel {@code getRGB}/{@code setRGB} copies they replaced.
   */
  record Codec(
      double decodeMs,
      double workerEncodeMs,
      long workerBytes,
      double level1EncodeMs,
      long level1Bytes,
      double imageIoDefaultEncodeMs,
      long imageIoDefaultBytes,
      double copiesMs,
      double copiesPixelByPixelMs,
      double jpegEncodeMs,
      long jpegBytes) {
    /** One decode plus one encode with the worker's encoder: what the issue's aim divides by. */
    double cpuMs() {
      return decodeMs + workerEncodeMs;
    }

    /** Each CPU figure the lower of the two; bytes as they are. */
    Codec lower(Codec o) {
      return new Codec(
          Math.min(decodeMs, o.decodeMs),
          Math.min(workerEncodeMs, o.workerEncodeMs),
          workerBytes,
          Math.min(level1EncodeMs, o.level1EncodeMs),
          level1Bytes,
          Math.min(imageIoDefaultEncodeMs, o.imageIoDefaultEncodeMs),
          imageIoDefaultBytes,
          Math.min(copiesMs, o.copiesMs),
          Math.min(copiesPixelByPixelMs, o.copiesPixelByPixelMs),
          Math.min(jpegEncodeMs, o.jpegEncodeMs),
          jpegBytes);
    }
  }

  /** {@link Codec} of {@code image}, each operation timed over {@code reps} runs per round. */
  static Codec codec(BufferedImage image, int reps) {
    byte[] png = ImageValidator.encodePng(image, ImageValidator.FAST_DEFLATE_LEVEL); // an input
    BufferedImage decoded = decode(png); // the type the worker's decoder gives (3-byte BGR)
    Runnable[] operations = {
      () -> decode(png),
      () -> ImageValidator.encodeFastPng(image),
      () -> ImageValidator.encodePng(image, ImageValidator.FAST_DEFLATE_LEVEL),
      () -> imageIoDefault(image),
      () -> copies(decoded),
      () -> copiesPixelByPixel(decoded),
      () -> jpeg(image),
    };
    // The lowest of several timed rounds per operation: one round of a few hundred operations is
    // moved by 2-3x by the JIT compiler and by other processes on a shared machine.
    double[] ms = new double[operations.length];
    Arrays.fill(ms, Double.MAX_VALUE);
    for (int round = 0; round < CODEC_ROUNDS; round++) {
      for (int k = 0; k < operations.length; k++) {
        long t0 = THREADS.getCurrentThreadCpuTime();
        for (int i = 0; i < reps; i++) {
          operations[k].run();
        }
        long t1 = THREADS.getCurrentThreadCpuTime();
        if (round > 0) { // the first warms the JIT up
          ms[k] = Math.min(ms[k], (t1 - t0) / 1e6 / reps);
        }
      }
    }
    return new Codec(
        ms[0],
        ms[1],
        ImageValidator.encodeFastPng(image).length,
        ms[2],
        png.length,
        ms[3],
        imageIoDefault(image).length,
        ms[4],
        ms[5],
        ms[6],
        jpeg(image).length);
  }

  /** The worker's copies of one image's pixels on their way into the model and out of it. */
  private static BufferedImage copies(BufferedImage image) {
    PreparedImage p = InputImages.prepare(image, Integer.MAX_VALUE);
    float[] batch = new float[p.chw().length];
    System.arraycopy(p.chw(), 0, batch, 0, batch.length);
    return OutputImages.crop(batch, 0, p.paddedWidth(), p.paddedHeight(), p.width(), p.height(), 3);
  }

  /**
   * The same copies as the worker made them before issue 15 part 2: every pixel through {@code
   * getRGB} and {@code setRGB} (the images' colour models) instead of their rasters.
   */
  private static BufferedImage copiesPixelByPixel(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    int plane = w * h;
    int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
    float[] chw = new float[3 * plane];
    for (int i = 0; i < plane; i++) {
      chw[i] = ((argb[i] >> 16) & 0xFF) / 127.5f - 1f;
      chw[plane + i] = ((argb[i] >> 8) & 0xFF) / 127.5f - 1f;
      chw[2 * plane + i] = (argb[i] & 0xFF) / 127.5f - 1f;
    }
    float[] batch = new float[chw.length];
    System.arraycopy(chw, 0, batch, 0, batch.length);
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    int[] rgb = new int[plane];
    for (int i = 0; i < plane; i++) {
      rgb[i] =
          (byteOf(batch[i]) << 16) | (byteOf(batch[plane + i]) << 8) | byteOf(batch[2 * plane + i]);
    }
    out.setRGB(0, 0, w, h, rgb, 0, w);
    return out;
  }

  private static int byteOf(float v) {
    return Math.round((Math.max(-1f, Math.min(1f, v)) + 1f) * 127.5f);
  }

  /**
   * JPEG at ImageIO's default quality (0.75): what an output format per request ({@code
   * cg-output-format}, issue 15) would cost instead of the PNG encode.
   */
  private static byte[] jpeg(BufferedImage image) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(image.getWidth() * image.getHeight());
    try (ImageOutputStream ios = new MemoryCacheImageOutputStream(out)) {
      if (!ImageIO.write(image, "jpeg", ios)) {
        throw new IllegalStateException("no JPEG writer");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * The input-read lever side by side, same store, same JVM, alternating: a stat then a get (the
   * worker before issue 15 part 2) against one bounded get ({@link ObjectStore#getAtMost}), this
   * JVM's CPU (the client's side: its calling thread and OkHttp's) and wall time per read.
   */
  private static String inputRead(ObjectStore store, BufferedImage image, int reps) {
    String key = "requests/bench-read/input.png";
    store.put(key, ImageValidator.encodePng(image), "image/png");
    long[] cpu = new long[2];
    long[] wall = new long[2];
    for (int round = 0; round < 4; round++) { // rounds 0 and 1 warm up
      for (int variant = 0; variant < 2; variant++) {
        long c0 = BenchRig.processCpuNanos();
        long w0 = System.nanoTime();
        for (int i = 0; i < reps; i++) {
          if (variant == 0) {
            store.stat(key).orElseThrow();
            store.get(key).orElseThrow();
          } else {
            store.getAtMost(key, 1 << 20).orElseThrow();
          }
        }
        if (round >= 2) {
          cpu[variant] += BenchRig.processCpuNanos() - c0;
          wall[variant] += System.nanoTime() - w0;
        }
      }
    }
    double n = 2.0 * reps;
    return String.format(
        Locale.ROOT,
        "{\"bench\": \"input-read\", \"reads\": %d, \"statThenGetCpuMs\": %.3f,"
            + " \"oneGetCpuMs\": %.3f, \"statThenGetWallMs\": %.3f, \"oneGetWallMs\": %.3f}",
        2 * reps,
        cpu[0] / 1e6 / n,
        cpu[1] / 1e6 / n,
        wall[0] / 1e6 / n,
        wall[1] / 1e6 / n);
  }

  private static BufferedImage decode(byte[] png) {
    try {
      return ImageIO.read(new ByteArrayImageInputStream(png));
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
   * CPU of the benchmark's own client in this JVM (this thread, which waits for the results;
   * Awaitility's polling thread; the fixture's producer and result collector), so that it can be
   * taken out of the worker's figure.
   */
  private static long clientCpuNanos() {
    long total = THREADS.getCurrentThreadCpuTime();
    for (ThreadInfo t : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
      if (t == null) {
        continue;
      }
      if (isClient(t.getThreadName())) {
        long ns = THREADS.getThreadCpuTime(t.getThreadId());
        total += Math.max(0, ns);
      }
    }
    return total;
  }

  /** The benchmark's own threads besides this one: the results' collector, the seed producer. */
  private static boolean isClient(String threadName) {
    return threadName.startsWith("it-collector-")
        || threadName.startsWith("awaitility")
        || threadName.startsWith("kafka-producer-network-thread | it-");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    }
  }
}
