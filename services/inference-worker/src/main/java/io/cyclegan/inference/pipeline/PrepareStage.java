package io.cyclegan.inference.pipeline;

import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.messages.TranslateRequest;
import io.cyclegan.common.store.Names;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.inference.batching.BatchKey;
import io.cyclegan.inference.batching.BatchQueue;
import io.cyclegan.inference.images.InputImages;
import io.cyclegan.inference.images.PreparedImage;
import io.cyclegan.inference.models.ModelCache;
import io.cyclegan.inference.models.ModelRef;
import io.cyclegan.inference.models.ModelVersions;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.MDC;

/**
 * The first stage, on a small pool: read the claim check, resolve the model version and take a
 * lease on its generators (loading them if needed), fetch and decode the input, scale it down and
 * pad it, and queue it for batching. Blocks when the batch queue is full.
 */
final class PrepareStage {
  private final ExecutorService pool;
  private final ObjectStore store;
  private final ModelVersions versions;
  private final ModelCache models;
  private final BatchQueue<PendingRequest> queue;
  private final PublishStage publish;
  private final int maxEdge;

  PrepareStage(
      ExecutorService pool,
      ObjectStore store,
      ModelVersions versions,
      ModelCache models,
      BatchQueue<PendingRequest> queue,
      PublishStage publish,
      int maxEdge) {
    this.pool = pool;
    this.store = store;
    this.versions = versions;
    this.models = models;
    this.queue = queue;
    this.publish = publish;
    this.maxEdge = maxEdge;
  }

  void submit(PendingRequest r) {
    try {
      pool.execute(() -> prepare(r));
    } catch (RejectedExecutionException e) {
      r.delivery.abandon();
    }
  }

  private void prepare(PendingRequest r) {
    try {
      TranslateRequest q = claimCheck(r);
      MDC.put("requestId", q.requestId());
      ModelRef ref;
      try {
        ref = versions.resolve(q.model(), q.modelVersion());
        r.model = models.acquire(ref);
      } catch (RuntimeException e) {
        throw new RequestFailure("model", e);
      }
      r.image = input(q);
      BatchKey key =
          BatchKey.of(
              ref.model(), ref.version(), q.direction().name(), r.image.width(), r.image.height());
      if (!queue.put(key, r)) {
        r.releaseModel();
        r.delivery.abandon();
      }
    } catch (RequestFailure f) {
      r.releaseModel();
      publish.fail(r, f);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      r.releaseModel();
      r.delivery.abandon();
    } catch (RuntimeException e) {
      r.releaseModel();
      publish.fail(r, new RequestFailure("prepare", e));
    } finally {
      MDC.remove("requestId");
    }
  }

  private TranslateRequest claimCheck(PendingRequest r) {
    try {
      TranslateRequest q = MessageCodec.decode(r.delivery.record().value(), TranslateRequest.class);
      r.request = q;
      Names.requireRequestId(q.requestId());
      return q;
    } catch (RuntimeException e) {
      r.request = null;
      throw new RequestFailure(
          "claim-check",
          e.getClass().getName(),
          "bad claim check on " + r.delivery + ": " + e.getMessage());
    }
  }

  private PreparedImage input(TranslateRequest q) {
    if (!store.bucket().equals(q.bucket())) {
      throw new RequestFailure(
          "input",
          IllegalArgumentException.class.getName(),
          "input bucket '" + q.bucket() + "' is not this worker's bucket '" + store.bucket() + "'");
    }
    byte[] bytes;
    try {
      bytes =
          store
              .get(q.inputKey())
              .orElseThrow(
                  () ->
                      new RequestFailure(
                          "input",
                          "java.io.FileNotFoundException",
                          "input object "
                              + q.inputKey()
                              + " not found in bucket "
                              + store.bucket()));
    } catch (RequestFailure f) {
      throw f;
    } catch (RuntimeException e) {
      throw new RequestFailure("input", e);
    }
    try {
      return InputImages.prepare(bytes, maxEdge);
    } catch (RuntimeException e) {
      throw new RequestFailure("input", e);
    }
  }
}
