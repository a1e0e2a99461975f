package io.cyclegan.ingest.routing;

import io.cyclegan.common.delivery.ResultPublisher;
import io.cyclegan.common.image.ImageRejectedException;
import io.cyclegan.common.image.ImageValidator;
import io.cyclegan.common.image.ValidatedImage;
import io.cyclegan.common.messages.CloudEvents;
import io.cyclegan.common.messages.DatasetEvent;
import io.cyclegan.common.messages.Headers;
import io.cyclegan.common.messages.Message;
import io.cyclegan.common.messages.Topics;
import io.cyclegan.common.messages.TranslateRequest;
import io.cyclegan.common.messages.TranslateResult;
import io.cyclegan.common.runtime.DeadLetters;
import io.cyclegan.common.store.Names;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.common.trace.TraceContext;
import io.cyclegan.common.trust.LogValues;
import io.cyclegan.ingest.catalog.DatasetCounts;
import io.cyclegan.ingest.metrics.IngestMetrics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The one code path for every image, from a Kafka record or an HTTP upload: read the headers,
 * validate the bytes, store, announce. A batch goes through four phases so that nothing is
 * announced before it is stored:
 *
 * <ol>
 *   <li>headers and validation, in parallel on the CPU pool (the decode is CPU-bound);
 *   <li>one existence check (a HEAD) per distinct dataset image, in parallel on the I/O pool: a
 *       batch costs the same whatever the dataset's size (the dataset is listed once per process,
 *       the first time it is seen, by {@link DatasetCounts});
 *   <li>store writes, in parallel on the I/O pool: dataset images only when absent (content
 *       addressed), translation inputs always (same bytes, same key), error results; the counts are
 *       {@link DatasetCounts}' plus what the batch added where nothing was, and each changed
 *       dataset's summary document is rewritten (one small PUT);
 *   <li>sends: dataset events, claim checks, and for refused Kafka records their dead letter and,
 *       for translation requests, an error result.
 * </ol>
 *
 * A refused input never fails the batch. A store failure (after the store's own retries, until the
 * caller's deadline) does: it concerns every input alike, so the caller retries the batch (the
 * consumer) or answers 503 (the HTTP API) rather than refusing or dead-lettering valid images
 * during an outage. Thread-safe; the consumer and the HTTP API share one instance.
 */
public final class IngestProcessor {
  private static final Logger log = LoggerFactory.getLogger(IngestProcessor.class);
  private static final String REQUEST_ID = "requestId";

  /**
   * The object metadata of a translation input: the SHA-256 of its bytes, for the conflict check.
   */
  static final String INPUT_SHA256 = "cg-sha256";

  private static final int INLINE_TASKS = 2;

  private final ImageValidator validator;
  private final HeaderParser parser;
  private final ObjectStore store;
  private final KafkaProducer<byte[], byte[]> producer;
  private final ReplySender replies;
  private final DeadLetters deadLetters;
  private final Topics topics;
  private final IngestMetrics metrics;
  private final ExecutorService cpuPool;
  private final ExecutorService ioPool;
  private final String eventSource;
  private final DatasetCounts datasetCounts;

  /**
   * @param replies delivers error results to reply topics
   * @param cpuPool validates images ({@code CYCLEGAN_INGEST_THREADS} threads)
   * @param ioPool runs store calls in parallel
   * @param eventSource the CloudEvents {@code ce_source} of what ingest produces
   * @param datasetCounts the counts of the datasets, kept as images arrive
   */
  public IngestProcessor(
      ImageValidator validator,
      HeaderParser parser,
      ObjectStore store,
      KafkaProducer<byte[], byte[]> producer,
      ReplySender replies,
      DeadLetters deadLetters,
      Topics topics,
      IngestMetrics metrics,
      ExecutorService cpuPool,
      ExecutorService ioPool,
      String eventSource,
      DatasetCounts datasetCounts) {
    this.validator = validator;
    this.parser = parser;
    this.store = store;
    this.producer = producer;
    this.replies = replies;
    this.deadLetters = deadLetters;
    this.topics = topics;
    this.metrics = metrics;
    this.cpuPool = cpuPool;
    this.ioPool = ioPool;
    this.eventSource = eventSource;
    this.datasetCounts = datasetCounts;
  }

  public HeaderParser parser() {
    return parser;
  }

  /**
   * The bytes of decoded pixels validating {@code input} holds, from its header alone (0 for an
   * input refused before decoding); see {@link ImageValidator#decodedBytes}.
   */
  public long decodedBytes(IngestInput input) {
    return validator.decodedBytes(input.image());
  }

  /** One input, as an HTTP upload sends it; see {@link #process(List, Instant)}. */
  public BatchResult process(IngestInput input, Instant storeDeadline) {
    return process(List.of(input), storeDeadline);
  }

  /**
   * Processes a batch. When it returns, every store write is done and every send is issued; wait on
   * {@link BatchResult#awaitDurable} before acknowledging the inputs.
   *
   * @param storeDeadline until when store calls wait out a transient fault (within the service's
   *     outage budget): the consumer keeps a batch well inside {@code max.poll.interval.ms}, the
   *     HTTP API inside a client's patience
   * @throws io.cyclegan.common.store.StoreUnavailableException when the store is still away at the
   *     deadline, {@link io.cyclegan.common.store.StoreException} when it refuses a call; nothing
   *     was sent, and the whole batch may be processed again
   */
  public BatchResult process(List<IngestInput> inputs, Instant storeDeadline) {
    long start = System.nanoTime();
    ObjectStore batchStore = store.withDeadline(storeDeadline);
    List<Checked> checked = validateAll(inputs);
    Map<String, Boolean> existed = probeDatasetImages(checked, batchStore);
    Map<IngestInput, RejectedInputException> conflicts =
        Collections.synchronizedMap(new IdentityHashMap<>());
    storeAll(checked, existed, batchStore, conflicts);
    Map<String, Map<String, Long>> counts = countDatasets(checked, existed, batchStore);
    List<Outcome> outcomes = new ArrayList<>(checked.size());
    List<List<Future<?>>> sends = new ArrayList<>(checked.size());
    Map<String, Boolean> seenInBatch = new LinkedHashMap<>();
    for (Checked c : checked) {
      Outcome outcome = outcome(c, existed, seenInBatch, counts, conflicts.get(c.input()));
      outcomes.add(outcome);
      sends.add(send(outcome));
      count(outcome);
    }
    metrics.batchRecords(inputs.size());
    metrics.batch().record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    return new BatchResult(outcomes, sends);
  }

  /** An input after phase 1: a route and a normalised image, or the reason it was refused. */
  private record Checked(
      IngestInput input,
      Route route,
      byte[] png,
      String sha256,
      int width,
      int height,
      RejectedInputException error) {

    String objectKey() {
      if (route instanceof Route.Dataset d) {
        return ObjectKeys.datasetImage(d.dataset(), d.domain(), sha256);
      }
      return ObjectKeys.requestInput(((Route.Translate) route).requestId());
    }
  }

  private List<Checked> validateAll(List<IngestInput> inputs) {
    List<CompletableFuture<Checked>> futures = new ArrayList<>(inputs.size());
    for (IngestInput in : inputs) {
      futures.add(CompletableFuture.supplyAsync(() -> check(in), cpuPool));
    }
    List<Checked> out = new ArrayList<>(inputs.size());
    for (CompletableFuture<Checked> f : futures) {
      out.add(f.join());
    }
    return out;
  }

  private Checked check(IngestInput in) {
    Route route = null;
    RequestIdInLogs requestId = RequestIdInLogs.of(null);
    try {
      route = parser.parse(in);
      if (route instanceof Route.Translate t) {
        requestId = RequestIdInLogs.of(t.requestId());
      }
      long start = System.nanoTime();
      ValidatedImage image;
      try {
        image = validator.validate(in.image(), in.declaredFormat());
      } finally {
        metrics.validation().record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      }
      return new Checked(
          in, route, image.png(), image.sha256(), image.width(), image.height(), null);
    } catch (RejectedInputException e) {
      return rejected(in, route, e);
    } catch (ImageRejectedException e) {
      return rejected(
          in, route, new RejectedInputException(RejectReason.of(e.reason()), e.getMessage(), e));
    } catch (RuntimeException e) {
      log.error("validator failed on input from {}", in.origin(), e);
      return rejected(
          in,
          route,
          new RejectedInputException(
              RejectReason.UNEXPECTED,
              "the image could not be processed: " + e.getClass().getSimpleName(),
              e));
    } finally {
      requestId.close();
    }
  }

  private static Checked rejected(IngestInput in, Route route, RejectedInputException e) {
    return new Checked(in, route, null, null, 0, 0, e);
  }

  /**
   * Phase 2: whether each distinct dataset image of the batch is in the store already, one HEAD per
   * image (not a listing of the dataset); and the counts of each dataset it touches, loaded.
   */
  private Map<String, Boolean> probeDatasetImages(List<Checked> checked, ObjectStore store) {
    Map<String, Boolean> existed = new ConcurrentHashMap<>();
    List<Callable<Void>> probes = new ArrayList<>();
    Set<String> datasets = new LinkedHashSet<>();
    Set<String> keys = new LinkedHashSet<>();
    for (Checked c : checked) {
      if (c.error() == null && c.route() instanceof Route.Dataset d) {
        datasets.add(d.dataset());
        keys.add(c.objectKey());
      }
    }
    for (String dataset : datasets) {
      probes.add(
          () -> {
            datasetCounts.load(dataset, store);
            return null;
          });
    }
    for (String key : keys) {
      probes.add(
          () -> {
            existed.put(key, store.exists(key));
            return null;
          });
    }
    runAll(probes);
    return existed;
  }

  /**
   * Phase 3. Writes the dataset images that were absent ({@code existed} says, per key, whether it
   * was in the store before this batch); puts the translation inputs whose request id is taken by
   * other bytes into {@code conflicts}.
   */
  private void storeAll(
      List<Checked> checked,
      Map<String, Boolean> existed,
      ObjectStore store,
      Map<IngestInput, RejectedInputException> conflicts) {
    Map<String, byte[]> datasetImages = new LinkedHashMap<>();
    List<Callable<Void>> writes = new ArrayList<>();
    for (Checked c : checked) {
      if (c.error() != null) {
        parser
            .reply(c.input())
            .filter(r -> c.input().fromKafka() && Names.isValidRequestId(r.requestId()))
            .ifPresent(
                r ->
                    writes.add(
                        () -> {
                          // Written before the result is published, so that the HTTP API can
                          // answer from the store once the caller sees the result.
                          ResultPublisher.writeDocument(store::putJson, errorResult(r, c.error()));
                          return null;
                        }));
      } else if (c.route() instanceof Route.Dataset) {
        datasetImages.putIfAbsent(c.objectKey(), c.png());
      } else {
        writes.add(
            () -> {
              storeInput(store, c).ifPresent(conflict -> conflicts.put(c.input(), conflict));
              return null;
            });
      }
    }
    datasetImages.forEach(
        (key, png) -> {
          if (!existed.get(key)) {
            writes.add(
                () -> {
                  store.put(key, png, "image/png");
                  return null;
                });
          }
        });
    runAll(writes);
  }

  /**
   * Stores a translation input under its request id, with the SHA-256 of its bytes as object
   * metadata. An input already there with the same hash is an idempotent re-send (nothing to
   * write); one with another hash, or none, belongs to another request: the id is refused as a
   * conflict rather than overwriting that caller's input. (Two first sends racing on one id can
   * both pass the check; S3 has no portable conditional PUT.)
   */
  private static Optional<RejectedInputException> storeInput(ObjectStore store, Checked c) {
    Optional<Map<String, String>> existing = store.userMetadata(c.objectKey());
    if (existing.isEmpty()) {
      store.put(c.objectKey(), c.png(), "image/png", Map.of(INPUT_SHA256, c.sha256()));
      return Optional.empty();
    }
    if (c.sha256().equals(existing.get().get(INPUT_SHA256))) {
      return Optional.empty();
    }
    return Optional.of(
        new RejectedInputException(
            RejectReason.REQUEST_ID_CONFLICT,
            "request id '"
                + ((Route.Translate) c.route()).requestId()
                + "' is taken by a request with other bytes: send with a new id, or none"));
  }

  /**
   * The counts each dataset has now: what {@link DatasetCounts} knew plus what this batch wrote
   * where nothing was; then each changed dataset's summary document is written.
   */
  private Map<String, Map<String, Long>> countDatasets(
      List<Checked> checked, Map<String, Boolean> existed, ObjectStore store) {
    Map<String, Set<String>> added = new LinkedHashMap<>();
    for (Checked c : checked) {
      if (c.error() == null && c.route() instanceof Route.Dataset d) {
        Set<String> keys = added.computeIfAbsent(d.dataset(), k -> new LinkedHashSet<>());
        if (!existed.get(c.objectKey())) {
          keys.add(c.objectKey());
        }
      }
    }
    Map<String, Map<String, Long>> counts = new HashMap<>();
    List<Callable<Void>> summaries = new ArrayList<>();
    added.forEach(
        (dataset, keys) -> {
          counts.put(dataset, datasetCounts.add(dataset, keys));
          summaries.add(
              () -> {
                datasetCounts.writeSummary(dataset, store);
                return null;
              });
        });
    runAll(summaries);
    return counts;
  }

  /**
   * Runs store calls, in parallel on the I/O pool; two or fewer run on the calling thread, so that
   * a single upload (a load and a HEAD, one PUT) never queues behind a large batch whose calls wait
   * out a store outage on the shared pool.
   */
  private void runAll(List<Callable<Void>> tasks) {
    if (tasks.isEmpty()) {
      return;
    }
    if (tasks.size() <= INLINE_TASKS) {
      for (Callable<Void> task : tasks) {
        try {
          task.call();
        } catch (RuntimeException e) {
          throw e;
        } catch (Exception e) {
          throw new CompletionException(e);
        }
      }
      return;
    }
    List<Future<Void>> futures;
    try {
      futures = ioPool.invokeAll(tasks);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing to the store", e);
    }
    for (Future<Void> f : futures) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while writing to the store", e);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RuntimeException re) {
          throw re;
        }
        throw new CompletionException(e.getCause());
      }
    }
  }

  private Outcome outcome(
      Checked c,
      Map<String, Boolean> existed,
      Map<String, Boolean> seenInBatch,
      Map<String, Map<String, Long>> counts,
      RejectedInputException conflict) {
    if (c.error() != null) {
      return new Outcome.Rejected(c.input(), c.error(), parser.reply(c.input()).orElse(null));
    }
    if (conflict != null) {
      return new Outcome.Rejected(c.input(), conflict, parser.reply(c.input()).orElse(null));
    }
    if (c.route() instanceof Route.Dataset d) {
      String key = c.objectKey();
      // The second copy of an image within one batch is a duplicate of the first.
      boolean duplicate = seenInBatch.put(key, Boolean.TRUE) != null || existed.get(key);
      return new Outcome.Stored(
          c.input(), d, key, c.sha256(), c.width(), c.height(), duplicate, counts.get(d.dataset()));
    }
    return new Outcome.Submitted(
        c.input(), (Route.Translate) c.route(), c.objectKey(), c.width(), c.height());
  }

  /** Phase 4 for one outcome: what it announces, as sends in flight. */
  private List<Future<?>> send(Outcome outcome) {
    List<Future<?>> sends = new ArrayList<>(2);
    if (outcome instanceof Outcome.Stored s) {
      DatasetEvent event =
          DatasetEvent.of(
              s.route().dataset(), s.route().domain(), s.counts(), s.key(), s.duplicate());
      sends.add(
          producer.send(
              s.input().trace().child().on(record(topics.datasets(), s.route().dataset(), event))));
      log.debug(
          "{} image {} from {}",
          s.duplicate() ? "duplicate" : "stored",
          s.key(),
          s.input().origin());
    } else if (outcome instanceof Outcome.Submitted t) {
      Route.Translate r = t.route();
      TranslateRequest claim =
          TranslateRequest.of(
              r.requestId(),
              store.bucket(),
              t.inputKey(),
              r.model(),
              r.modelVersion(),
              r.direction(),
              r.replyTopic(),
              t.width(),
              t.height(),
              t.input().receivedAt(),
              r.outputFormat());
      TraceContext trace = t.input().trace();
      sends.add(
          producer.send(
              trace.child().on(record(topics.translateRequests(), r.requestId(), claim))));
      try (RequestIdInLogs ignored = RequestIdInLogs.of(r.requestId());
          TraceContext.InLogs traced = trace.inLogs()) {
        log.info(
            "translation request from {} stored as {}, model {} {}",
            t.input().origin(),
            t.inputKey(),
            r.model(),
            r.direction());
      }
    } else if (outcome instanceof Outcome.Rejected rej) {
      sends.addAll(sendRejection(rej));
    }
    return sends;
  }

  private List<Future<?>> sendRejection(Outcome.Rejected rej) {
    IngestInput in = rej.input();
    RejectedInputException e = rej.error();
    try (RequestIdInLogs ignored =
            RequestIdInLogs.of(rej.reply() == null ? null : rej.reply().requestId());
        TraceContext.InLogs traced = in.trace().inLogs()) {
      if (!in.fromKafka()) {
        // The HTTP caller is answered in the response; nothing is waiting on a topic.
        log.info("refused upload: {}", LogValues.escape(e.describe()));
        return List.of();
      }
      List<Future<?>> sends = new ArrayList<>(2);
      sends.add(deadLetters.send(e.reason().stage(), e.describe(), e.errorClass(), in.source()));
      if (rej.reply() != null) {
        sends.add(replies.send(rej.reply(), errorResult(rej.reply(), e), in.trace().child()));
      }
      return sends;
    }
  }

  private static TranslateResult errorResult(Reply reply, RejectedInputException e) {
    return TranslateResult.error(reply.requestId(), reply.model(), reply.direction(), e.describe())
        .withReason(e.reason().name());
  }

  private ProducerRecord<byte[], byte[]> record(String topic, String key, Message message) {
    return CloudEvents.record(topic, key, message, eventSource);
  }

  private void count(Outcome outcome) {
    String purpose = outcome.input().header(Headers.PURPOSE);
    long bytes = outcome.input().image().length;
    if (outcome instanceof Outcome.Rejected r) {
      metrics.image(purpose, IngestMetrics.REJECTED, bytes);
      metrics.rejected(r.reason().name());
    } else if (outcome instanceof Outcome.Stored s && s.duplicate()) {
      metrics.image(purpose, IngestMetrics.DUPLICATE, bytes);
    } else {
      metrics.image(purpose, IngestMetrics.ACCEPTED, bytes);
    }
  }

  /**
   * Puts a request id into the logging context ({@code requestId} in the MDC) and restores what was
   * there on close, so that an HTTP thread keeps its own id after processing.
   */
  private static final class RequestIdInLogs implements AutoCloseable {
    private final String previous;
    private final boolean set;

    private RequestIdInLogs(String requestId) {
      this.previous = MDC.get(REQUEST_ID);
      this.set = requestId != null;
      if (set) {
        // The id may be the invalid part of a refused request: never raw into the log context.
        MDC.put(
            REQUEST_ID,
            Names.isValidRequestId(requestId) ? requestId : LogValues.escape(requestId));
      }
    }

    static RequestIdInLogs of(String requestId) {
      return new RequestIdInLogs(requestId);
    }

    @Override
    public void close() {
      if (!set) {
        return;
      }
      if (previous == null) {
        MDC.remove(REQUEST_ID);
      } else {
        MDC.put(REQUEST_ID, previous);
      }
    }
  }
}
