package io.cyclegan.cli.chaos;

import io.cyclegan.common.messages.Headers;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A steady stream of translation requests, as any Kafka client would send them: image bytes on
 * {@code cyclegan.images.in} with {@code cg-purpose: translate} and a request id of its own. Every
 * send and its acknowledgement go into the {@link Ledger}.
 */
final class RequestLoad implements AutoCloseable {

  private final KafkaProducer<byte[], byte[]> producer;
  private final String topic;
  private final String model;
  private final String idPrefix;
  private final List<byte[]> images;
  private final long periodMs;
  private static final int MAX_SEND_ATTEMPTS = 5;

  private final Ledger ledger;
  private final AtomicLong sent = new AtomicLong();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "chaos-load");
            t.setDaemon(true);
            return t;
          });

  RequestLoad(
      KafkaProducer<byte[], byte[]> producer,
      String topic,
      String model,
      String idPrefix,
      List<byte[]> images,
      double perSecond,
      Ledger ledger) {
    if (perSecond <= 0 || perSecond > 100) {
      throw new IllegalArgumentException(
          "request rate must be in (0, 100] per second, was " + perSecond);
    }
    this.producer = producer;
    this.topic = topic;
    this.model = model;
    this.idPrefix = idPrefix;
    this.images = List.copyOf(images);
    this.periodMs = Math.max(10, Math.round(1000 / perSecond));
    this.ledger = ledger;
  }

  void start() {
    timer.scheduleAtFixedRate(this::sendOne, 0, periodMs, TimeUnit.MILLISECONDS);
  }

  long sent() {
    return sent.get();
  }

  private void sendOne() {
    long n = sent.getAndIncrement();
    String id = String.format(Locale.ROOT, "%s-r%06d", idPrefix, n);
    ProducerRecord<byte[], byte[]> record =
        new ProducerRecord<>(
            topic, id.getBytes(StandardCharsets.UTF_8), images.get((int) (n % images.size())));
    record.headers().add(Headers.PURPOSE, bytes(Headers.PURPOSE_TRANSLATE));
    record.headers().add(Headers.MODEL, bytes(model));
    record.headers().add(Headers.DIRECTION, bytes("AtoB"));
    record.headers().add(Headers.REQUEST_ID, bytes(id));
    ledger.requestSent(id, System.currentTimeMillis());
    send(id, record, 1);
  }

  /**
   * Sends, and sends the same record again (same request id) a second later when the producer gives
   * up on it, as a client that wants its answer would; each failure is kept in the ledger.
   */
  private void send(String id, ProducerRecord<byte[], byte[]> record, int attempt) {
    try {
      producer.send(
          record,
          (metadata, error) -> {
            if (error == null) {
              ledger.requestAcked(id, System.currentTimeMillis());
            } else {
              retryLater(id, record, attempt, error);
            }
          });
    } catch (RuntimeException e) {
      // send() throws when the buffer stays full or metadata never comes within max.block.ms.
      retryLater(id, record, attempt, e);
    }
  }

  private void retryLater(
      String id, ProducerRecord<byte[], byte[]> record, int attempt, Exception error) {
    ledger.requestFailed(id, "attempt " + attempt + ": " + error);
    if (attempt < MAX_SEND_ATTEMPTS && !timer.isShutdown()) {
      try {
        timer.schedule(() -> send(id, record, attempt + 1), 1, TimeUnit.SECONDS);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // the load stopped meanwhile: the request stays unacknowledged, and is reported so
      }
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Stops sending; what was sent is flushed by the producer's owner. */
  @Override
  public void close() {
    timer.shutdown();
    try {
      timer.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
