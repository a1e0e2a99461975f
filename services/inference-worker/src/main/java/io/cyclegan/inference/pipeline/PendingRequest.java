package io.cyclegan.inference.pipeline;

import io.cyclegan.common.messages.TranslateRequest;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.common.trace.TraceContext;
import io.cyclegan.inference.delivery.Delivery;
import io.cyclegan.inference.images.PreparedImage;
import io.cyclegan.inference.models.ModelCache;
import java.time.Instant;

/**
 * One request on its way through the stages. Each field is written by one stage and read by the
 * next; the hand-overs (executor submission, the batch queue, the retry timer) order the writes
 * before the reads.
 */
final class PendingRequest {
  final Delivery delivery;
  TranslateRequest request;

  /**
   * The claim check's trace context with this worker's own span (a new trace when the record had no
   * valid {@code traceparent}): in the logging context of every stage, and on the result.
   */
  final TraceContext trace;

  /** Until when transient faults are waited out; then the request gets an error result. */
  Instant deadline;

  /** The store as this request sees it: waits for a transient fault end at the deadline. */
  ObjectStore store;

  ModelCache.Lease model;
  PreparedImage image;
  long dequeuedAtMillis;
  long inferenceNanos;
  float[] output;
  int outputOffset;

  /** The generator's output channels: 3 (RGB) or 1 (a grayscale domain, written as gray PNG). */
  int outputChannels = 3;

  /** The encoded output, kept so that a retried upload need not run the model again. */
  byte[] encoded;

  /** Set once the dead letter of a failed request is acknowledged: a retry does not resend it. */
  boolean deadLettered;

  PendingRequest(Delivery delivery) {
    this.delivery = delivery;
    this.trace = TraceContext.of(delivery.record()).child();
  }

  /** Returns the model lease (idempotent), once the forward pass no longer needs it. */
  void releaseModel() {
    if (model != null) {
      model.close();
    }
  }
}
