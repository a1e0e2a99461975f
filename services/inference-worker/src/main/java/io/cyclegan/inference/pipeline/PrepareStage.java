package io.cyclegan.inference.pipeline;

import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.messages.MessageFormatException;
import io.cyclegan.common.messages.TranslateRequest;
import io.cyclegan.common.store.BoundedBytes;
import io.cyclegan.common.store.Names;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.common.trace.TraceContext;
import io.cyclegan.common.trust.LogValues;
import io.cyclegan.common.trust.ReasonCode;
import io.cyclegan.common.trust.ReplyTopics;
import io.cyclegan.common.trust.SafeMessages;
import io.cyclegan.inference.batching.BatchKey;
import io.cyclegan.inference.batching.BatchQueue;
import io.cyclegan.inference.images.InputImages;
import io.cyclegan.inference.images.PreparedImage;
import io.cyclegan.inference.models.ModelCache;
import io.cyclegan.inference.models.ModelRef;
import io.cyclegan.inference.models.ModelVersions;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.MDC;

/**
 * The first stage, on a small pool: read the claim check and check it (docs/security.md: the input
 * under the request's own prefix in the pipeline's bucket, the reply topic on the allow-list, the
 * object no larger than the input limit, by its length before its body is read), resolve the model
 * version and take a lease on its generators (loading them if needed), fetch and decode the input,
 * scale it down and pad it, and queue it for batching. Blocks when the batch queue is full. Every
 * store call of a request waits out transient faults until the request's deadline (receipt plus
 * {@code CYCLEGAN_INFERENCE_REQUEST_DEADLINE_SECONDS}); what fails is handed to {@link Recovery}.
 */
final class PrepareStage {
  /** The dead letter's {@code cg-error-class} of a claim check the worker refuses. */
  private static final String REFUSED = "io.cyclegan.inference.RefusedClaimCheck";

  private final ExecutorService pool;
  private final ObjectStore store;
  private final ModelVersions versions;
  private final ModelCache models;
  private final BatchQueue<PendingRequest> queue;
  private final PublishStage publish;
  private final Recovery recovery;
  private final int maxEdge;
  private final long maxInputBytes;
  private final ReplyTopics replyTopics;

  PrepareStage(
      ExecutorService pool,
      ObjectStore store,
      ModelVersions versions,
      ModelCache models,
      BatchQueue<PendingRequest> queue,
      PublishStage publish,
      Recovery recovery,
      int maxEdge,
      long maxInputBytes,
      ReplyTopics replyTopics) {
    this.pool = pool;
    this.store = store;
    this.versions = versions;
    this.models = models;
    this.queue = queue;
    this.publish = publish;
    this.recovery = recovery;
    this.maxEdge = maxEdge;
    this.maxInputBytes = maxInputBytes;
    this.replyTopics = replyTopics;
  }

  void submit(PendingRequest r) {
    try {
      pool.execute(() -> prepare(r));
    } catch (RejectedExecutionException e) {
      r.delivery.abandon();
    }
  }

  private void prepare(PendingRequest r) {
    MDC.put(TraceContext.MDC_KEY, r.trace.traceId());
    try {
      TranslateRequest q = claimCheck(r);
      MDC.put("requestId", q.requestId()); // valid: checked by claimCheck
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
      MDC.remove(TraceContext.MDC_KEY);
    }
  }

  private TranslateRequest claimCheck(PendingRequest r) {
    TranslateRequest q;
    try {
      q = MessageCodec.decode(r.delivery.record().value(), TranslateRequest.class);
      Names.requireRequestId(q.requestId());
      Names.require("model", q.model());
      if (q.modelVersion() != null) {
        Names.require("model version", q.modelVersion());
      }
    } catch (RuntimeException e) {
      r.request = null;
      startClock(r, Instant.ofEpochMilli(r.delivery.record().timestamp()));
      // A claim check of another major version is refused as such, so its sender knows to
      // upgrade rather than to fix the message.
      ReasonCode code =
          e instanceof MessageFormatException m
              ? m.reason().orElse(ReasonCode.BAD_CLAIM_CHECK)
              : ReasonCode.BAD_CLAIM_CHECK;
      throw new RequestFailure(
          "claim-check",
          code,
          e.getClass().getName(),
          "bad claim check on "
              + r.delivery
              + ": "
              + SafeMessages.withoutAddresses(e.getMessage()));
    }
    r.request = q;
    startClock(r, q.receivedAt());
    // A forged claim check must not make the worker read what its sender may not: another
    // request's input, a dataset image, a model. Nor write where the sender may not.
    String reply = q.replyTopic();
    if (reply != null && !reply.isBlank()) {
      Optional<String> refused = replyTopics.refusal(reply);
      if (refused.isPresent()) {
        throw new RequestFailure(
            "claim-check", ReasonCode.REPLY_TOPIC_NOT_ALLOWED, REFUSED, refused.get());
      }
    }
    if (!store.bucket().equals(q.bucket())) {
      throw new RequestFailure(
          "claim-check",
          ReasonCode.FOREIGN_BUCKET,
          REFUSED,
          "the claim check names a bucket this worker does not read");
    }
    if (!ObjectKeys.isRequestObject(q.requestId(), q.inputKey())) {
      throw new RequestFailure(
          "claim-check",
          ReasonCode.INPUT_KEY_OUTSIDE_REQUEST,
          REFUSED,
          "input key '"
              + LogValues.escape(q.inputKey())
              + "' is not an object under "
              + ObjectKeys.requestPrefix(q.requestId()));
    }
    return q;
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
    byte[] bytes;
    try {
      // One GET that refuses an object larger than the limit by its Content-Length, before its
      // body (a checkpoint is hundreds of MB): no stat first, one round trip per input.
      BoundedBytes read =
          r.store.getAtMost(q.inputKey(), (int) maxInputBytes).orElseThrow(() -> notFound(q));
      if (read.tooLarge()) {
        throw new RequestFailure(
            "input",
            ReasonCode.INPUT_TOO_LARGE,
            REFUSED,
            "input object "
                + q.inputKey()
                + (read.size() >= 0 ? " has " + read.size() + " bytes," : " is")
                + " more than the limit of "
                + maxInputBytes);
      }
      bytes = read.bytes();
    } catch (RequestFailure f) {
      throw f;
    } catch (RuntimeException e) {
      throw new RequestFailure("input", e);
    }
    try {
      // The model's own preprocess (resize, centred crop), as the official test script applies.
      return InputImages.prepare(bytes, maxEdge, r.model.translator()::preprocess);
    } catch (RuntimeException e) {
      throw new RequestFailure("input", e);
    }
  }

  private static RequestFailure notFound(TranslateRequest q) {
    return new RequestFailure(
        "input",
        ReasonCode.INPUT_NOT_FOUND,
        "java.io.FileNotFoundException",
        "input object " + q.inputKey() + " not found");
  }
}
