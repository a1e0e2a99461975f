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
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.MDC;

/**
 * The first stage, on a small pool: read the claim check, resolve the model version and take a
 * lease on its generators (loading them if needed), fetch and decode the input, scale it down and
 * pad it, and queue it for batching. Blocks when the batch queue is full. Every store call of a
 * request waits out transient faults until the request's deadline (receipt plus {@code
 * CYCLEGAN_INFERENCE_REQUEST_DEADLINE_SECONDS}); what fails is handed to {@link Recovery}.
 */
final class PrepareStage {
  private final ExecutorService pool;
  private final ObjectStore store;
  private final ModelVersions versions;
  private final ModelCache models;
  private final BatchQueue<PendingRequest> queue;
  private final PublishStage publish;
  private final Recovery recovery;
  private final int maxEdge;

  PrepareStage(
      ExecutorService pool,
      ObjectStore store,
      ModelVersions versions,
      ModelCache models,
      BatchQueue<PendingRequest> queue,
      PublishStage publish,
      Recovery recovery,
      int maxEdge) {
    this.pool = pool;
    this.store = store;
    this.versions = versions;
    this.models = models;
    this.queue = queue;
    this.publish = publish;
    this.recovery = recovery;
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
        ref = versions.resolve(q.model(), q.modelVersion(), r.deadline);
        r.model = models.acquire(ref, r.deadline);
      } catch (RuntimeException e) {
        throw new RequestFailure("model", e);
      }
      r.image = input(r, q);
      BatchKey key =
          BatchKey.of(
              ref.model(), ref.version(), q.direction().name(), r.image.width(), r.image.height());
      if (!queue.put(key, r)) {
        r.releaseModel();
        r.delivery.abandon();
      }
    } catch (RequestFailure f) {
      r.releaseModel();
      recovery.failed(r, f, () -> submit(r), publish::fail);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      r.releaseModel();
      r.delivery.abandon();
    } catch (RuntimeException e) {
      r.releaseModel();
      recovery.failed(r, new RequestFailure("prepare", e), () -> submit(r), publish::fail);
    } finally {
      MDC.remove("requestId");
    }
  }

  private TranslateRequest claimCheck(PendingRequest r) {
    try {
      TranslateRequest q = MessageCodec.decode(r.delivery.record().value(), TranslateRequest.class);
      r.request = q;
      Names.requireRequestId(q.requestId());
      startClock(r, q.receivedAt());
      return q;
    } catch (RuntimeException e) {
      r.request = null;
      startClock(r, Instant.ofEpochMilli(r.delivery.record().timestamp()));
      throw new RequestFailure(
          "claim-check",
          e.getClass().getName(),
          "bad claim check on " + r.delivery + ": " + e.getMessage());
    }
  }

  /** The deadline runs from the request's receipt; set once, so a retry does not extend it. */
  private void startClock(PendingRequest r, Instant receivedAt) {
    if (r.deadline == null) {
      Instant from =
          receivedAt != null && receivedAt.toEpochMilli() > 0 ? receivedAt : Instant.now();
      r.deadline = from.plus(recovery.requestDeadline());
      r.store = store.withDeadline(r.deadline);
    }
  }

  private PreparedImage input(PendingRequest r, TranslateRequest q) {
    if (!store.bucket().equals(q.bucket())) {
      throw new RequestFailure(
          "input",
          IllegalArgumentException.class.getName(),
          "input bucket '" + q.bucket() + "' is not the bucket this worker reads");
    }
    byte[] bytes;
    try {
      bytes =
          r.store
              .get(q.inputKey())
              .orElseThrow(
                  () ->
                      new RequestFailure(
                          "input",
                          "java.io.FileNotFoundException",
                          "input object " + q.inputKey() + " not found"));
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
