package io.cyclegan.inference.pipeline;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.cyclegan.common.messages.Direction;
import io.cyclegan.common.server.Liveness;
import io.cyclegan.inference.batching.Batch;
import io.cyclegan.inference.batching.BatchKey;
import io.cyclegan.inference.batching.BatchQueue;
import io.cyclegan.inference.images.PreparedImage;
import io.cyclegan.model.device.EngineThreads;
import io.cyclegan.model.translate.CycleGanTranslator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that runs the model: takes ready batches from the queue, stacks them into one
 * tensor, runs the generator and hands each output to the publish stage. Only forward passes and
 * the copies in and out of the tensor run here; everything else is on the other stages' threads.
 *
 * <p>A batch that throws fails its own requests and the thread goes on. An {@link Error} (out of
 * memory, a native crash surfacing) ends the thread, and the {@link Liveness} reports it dead: no
 * request could be served any more, so the process must restart rather than look alive.
 */
final class InferenceStage {
  private static final Logger log = LoggerFactory.getLogger(InferenceStage.class);

  private final BatchQueue<PendingRequest> queue;
  private final PublishStage publish;
  private final InferenceMetrics metrics;
  private final Device device;
  private final int modelThreads;
  private final Thread thread;

  InferenceStage(
      BatchQueue<PendingRequest> queue,
      PublishStage publish,
      InferenceMetrics metrics,
      Device device,
      int modelThreads,
      Liveness liveness) {
    this.queue = queue;
    this.publish = publish;
    this.metrics = metrics;
    this.device = device;
    this.modelThreads = modelThreads;
    this.thread = liveness.thread("inference-model", this::run);
  }

  void start() {
    thread.start();
  }

  /** Waits for the thread to end (after the queue is closed), at most {@code millis}. */
  void join(long millis) throws InterruptedException {
    thread.join(millis);
  }

  void interrupt() {
    thread.interrupt();
  }

  private void run() {
    // On this thread: libtorch keeps the intra-op count per calling thread (docs/benchmarks.md).
    if (modelThreads > 0) {
      EngineThreads.useIntraOp(modelThreads);
    } else {
      EngineThreads.fitToProcessors(); // libtorch's choice does not see a CPU quota
    }
    log.info("forward passes on {} libtorch intra-op threads", EngineThreads.intraOp());
    try (NDManager manager = NDManager.newBaseManager(device)) {
      manager.setName("inference");
      while (true) {
        Optional<Batch<PendingRequest>> batch = queue.take();
        if (batch.isEmpty()) {
          return;
        }
        runBatch(manager, batch.get());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void runBatch(NDManager manager, Batch<PendingRequest> batch) {
    List<PendingRequest> items = batch.items();
    try {
      forward(manager, batch);
    } catch (RuntimeException e) {
      log.error(
          "forward pass of {} requests for {} failed: {}",
          items.size(),
          batch.key(),
          e.toString(),
          e);
      for (PendingRequest r : items) {
        r.releaseModel();
        publish.fail(r, new RequestFailure("inference", e));
      }
    }
  }

  private void forward(NDManager manager, Batch<PendingRequest> batch) {
    List<PendingRequest> items = batch.items();
    BatchKey key = batch.key();
    long dequeued = System.currentTimeMillis();
    for (PendingRequest r : items) {
      r.dequeuedAtMillis = dequeued;
      long waited = dequeued - r.request.receivedAt().toEpochMilli();
      metrics.queue.record(Math.max(0, waited), TimeUnit.MILLISECONDS);
    }
    int n = items.size();
    int plane = 3 * key.paddedWidth() * key.paddedHeight();
    float[] input = new float[n * plane];
    for (int i = 0; i < n; i++) {
      System.arraycopy(items.get(i).image.chw(), 0, input, i * plane, plane);
    }
    CycleGanTranslator translator = items.get(0).model.translator();
    try (NDManager scratch = manager.newSubManager()) {
      long start = System.nanoTime();
      NDArray x = scratch.create(input, new Shape(n, 3, key.paddedHeight(), key.paddedWidth()));
      io.cyclegan.model.translate.Direction d = direction(key.direction());
      float[] output = translator.translate(x, d).toFloatArray();
      // A grayscale generator reads the RGB input as luma and writes one channel.
      int outChannels = translator.outputChannels(d);
      int outPlane = outChannels * key.paddedWidth() * key.paddedHeight();
      long nanos = System.nanoTime() - start;
      metrics.inference.record(nanos, TimeUnit.NANOSECONDS);
      metrics.batchSize.record(n);
      log.debug("batch of {} for {} in {} ms", n, key, TimeUnit.NANOSECONDS.toMillis(nanos));
      for (int i = 0; i < n; i++) {
        PendingRequest r = items.get(i);
        r.output = output;
        r.outputOffset = i * outPlane;
        r.outputChannels = outChannels;
        r.inferenceNanos = nanos;
        r.image = withoutPixels(r.image);
        r.releaseModel();
        publish.ok(r);
      }
    }
  }

  /** Lets the input pixels be collected while the output waits for the publish stage. */
  private static PreparedImage withoutPixels(PreparedImage im) {
    return new PreparedImage(
        null,
        im.width(),
        im.height(),
        im.paddedWidth(),
        im.paddedHeight(),
        im.scaledDown(),
        im.originalWidth(),
        im.originalHeight());
  }

  static io.cyclegan.model.translate.Direction direction(String wire) {
    return Direction.valueOf(wire) == Direction.AtoB
        ? io.cyclegan.model.translate.Direction.A_TO_B
        : io.cyclegan.model.translate.Direction.B_TO_A;
  }
}
