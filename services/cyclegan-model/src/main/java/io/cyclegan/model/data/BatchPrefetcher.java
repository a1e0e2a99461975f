package io.cyclegan.model.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Decodes and augments one epoch's batches on a background thread into a bounded queue, so the
 * training step never waits for decoding (unless decoding is slower than training). Because every
 * sample's randomness comes from {@link UnalignedSampler}, prefetching changes nothing in what is
 * trained. Not thread-safe: one consumer.
 */
public final class BatchPrefetcher implements AutoCloseable {

  private static final Object END = new Object();

  private final BlockingQueue<Object> queue;
  private final Thread worker;
  private volatile boolean closed;

  /**
   * Starts preparing batches of {@code epoch} from sample {@code firstSample} on.
   *
   * @param a domain A
   * @param b domain B
   * @param plan the epoch's sampling plan
   * @param epochLength samples in the epoch
   * @param augmentation the transform
   * @param batchSize images per batch
   * @param firstSample where to start (a multiple of batchSize when resuming)
   * @param capacity batches prepared ahead
   * @param channelsA channels of A's images (1: grayscale, the official {@code input_nc}; else 3)
   * @param channelsB channels of B's images (the official {@code output_nc})
   */
  public BatchPrefetcher(
      ImageSource a,
      ImageSource b,
      UnalignedSampler.Epoch plan,
      int epochLength,
      Augmentation augmentation,
      int batchSize,
      int firstSample,
      int capacity,
      int channelsA,
      int channelsB) {
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.worker =
        new Thread(
            () ->
                produce(
                    a,
                    b,
                    plan,
                    epochLength,
                    augmentation,
                    batchSize,
                    firstSample,
                    channelsA,
                    channelsB),
            "cyclegan-prefetch");
    worker.setDaemon(true);
    worker.start();
  }

  private void produce(
      ImageSource a,
      ImageSource b,
      UnalignedSampler.Epoch plan,
      int epochLength,
      Augmentation augmentation,
      int batchSize,
      int firstSample,
      int channelsA,
      int channelsB) {
    try {
      int size = augmentation.imageSize();
      int planeA = channelsA * size * size;
      int planeB = channelsB * size * size;
      for (int start = firstSample; start < epochLength && !closed; start += batchSize) {
        int count = Math.min(batchSize, epochLength - start);
        float[] batchA = new float[count * planeA];
        float[] batchB = new float[count * planeB];
        for (int k = 0; k < count; k++) {
          UnalignedSampler.Sample s = plan.sample(start + k);
          // A before B, always: both draw from the same per-sample stream.
          float[] imageA = augmentation.apply(a.load(s.indexA()), s.random(), channelsA);
          float[] imageB = augmentation.apply(b.load(s.indexB()), s.random(), channelsB);
          System.arraycopy(imageA, 0, batchA, k * planeA, planeA);
          System.arraycopy(imageB, 0, batchB, k * planeB, planeB);
        }
        put(new Batch(batchA, batchB, count, size, start));
      }
      put(END);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      offerFailure(new UncheckedIOException("cannot read a training image", e));
    } catch (RuntimeException e) {
      offerFailure(e);
    } catch (Error e) {
      // Without this the consumer would wait forever for a batch that never comes.
      offerFailure(new IllegalStateException("prefetch thread failed", e));
      throw e;
    }
  }

  private void put(Object item) throws InterruptedException {
    while (!closed) {
      if (queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
        return;
      }
    }
  }

  private void offerFailure(RuntimeException e) {
    try {
      put(e);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
    }
  }

  /** The next batch, or null at the end of the epoch; rethrows a failure to read an image. */
  public Batch next() throws InterruptedException {
    Object item = queue.take();
    if (item == END) {
      queue.offer(END);
      return null;
    }
    if (item instanceof RuntimeException e) {
      throw e;
    }
    return (Batch) item;
  }

  @Override
  public void close() {
    closed = true;
    worker.interrupt();
    try {
      worker.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
