package io.cyclegan.inference.pipeline;

import io.cyclegan.common.messages.TranslateRequest;
import io.cyclegan.inference.delivery.Delivery;
import io.cyclegan.inference.images.PreparedImage;
import io.cyclegan.inference.models.ModelCache;

/**
 * One request on its way through the stages. Each field is written by one stage and read by the
 * next; the hand-overs (executor submission, the batch queue) order the writes before the reads.
 */
final class PendingRequest {
  final Delivery delivery;
  TranslateRequest request;
  ModelCache.Lease model;
  PreparedImage image;
  long dequeuedAtMillis;
  long inferenceNanos;
  float[] output;
  int outputOffset;

  PendingRequest(Delivery delivery) {
    this.delivery = delivery;
  }

  /** Returns the model lease, once the forward pass no longer needs it. */
  void releaseModel() {
    if (model != null) {
      model.close();
    }
  }
}
