package io.cyclegan.ingest.consumer;

import io.cyclegan.common.fault.ConsumerErrors;
import io.cyclegan.ingest.routing.IngestInput;
import io.cyclegan.ingest.routing.IngestProcessor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.NoOffsetForPartitionException;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes {@code cyclegan.images.in} on its own thread: poll a batch, process it (validation runs
 * in parallel on the processor's pool), wait until every output is durable, then commit the batch's
 * offsets. Because a batch is committed before the next poll, a rebalance never finds uncommitted
 * work, and a crash at any point redelivers at most the batch in hand, whose outputs are
 * idempotent.
 *
 * <p>A refused record never stops the loop (the processor dead-letters it). A failure of the store
 * or of a send rewinds the batch and retries it with a growing backoff. Only errors no retry can
 * fix ({@link ConsumerErrors.Action#STOP}) end the loop, and are reported to {@code onFatal}.
 */
public final class ImagesConsumer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ImagesConsumer.class);
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(250);
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final String topic;
  private final IngestProcessor processor;
  private final Duration outputTimeout;
  private final Consumer<Throwable> onFatal;
  private final Thread thread;
  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private volatile boolean running = true;
  private volatile Throwable failure;
  private Duration backoff = FIRST_BACKOFF;

  /**
   * @param consumer used only from this object's thread from {@link #start()} on, and closed by it
   * @param outputTimeout how long to wait for the broker to acknowledge a batch's outputs
   * @param onFatal told once when the loop stops on an error no retry can fix
   */
  public ImagesConsumer(
      KafkaConsumer<byte[], byte[]> consumer,
      String topic,
      IngestProcessor processor,
      Duration outputTimeout,
      Consumer<Throwable> onFatal) {
    this.consumer = consumer;
    this.topic = topic;
    this.processor = processor;
    this.outputTimeout = outputTimeout;
    this.onFatal = onFatal;
    this.thread = new Thread(this::run, "ingest-consumer");
  }

  public void start() {
    thread.start();
  }

  /** False once the loop stopped on a fatal error; {@code /readyz} reports it. */
  public boolean isHealthy() {
    return failure == null;
  }

  private void run() {
    try {
      consumer.subscribe(List.of(topic), new LoggingRebalanceListener());
      log.info("consuming {}", topic);
      while (running) {
        pollAndProcess();
      }
    } catch (RuntimeException e) {
      failure = e;
      log.error("stopped consuming {}: {}", topic, e.toString(), e);
      onFatal.accept(e);
    } finally {
      try {
        // Every processed batch is already committed: closing only leaves the group.
        consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT));
      } catch (RuntimeException e) {
        log.warn("error while closing the consumer: {}", e.toString());
      }
    }
  }

  private void pollAndProcess() {
    ConsumerRecords<byte[], byte[]> records;
    try {
      records = consumer.poll(POLL_TIMEOUT);
    } catch (RuntimeException e) {
      handle(e, null);
      return;
    }
    if (records.isEmpty()) {
      return;
    }
    try {
      List<IngestInput> inputs = new ArrayList<>(records.count());
      for (ConsumerRecord<byte[], byte[]> r : records) {
        inputs.add(IngestInput.fromRecord(r));
      }
      processor.process(inputs).awaitDurable(outputTimeout);
      consumer.commitSync(nextOffsets(records));
      backoff = FIRST_BACKOFF;
    } catch (RuntimeException e) {
      handle(e, records);
    }
  }

  private void handle(RuntimeException e, ConsumerRecords<byte[], byte[]> batch) {
    switch (ConsumerErrors.classify(e)) {
      case STOP -> throw e;
      case RESET_OFFSETS -> {
        Collection<TopicPartition> partitions =
            e instanceof OffsetOutOfRangeException o
                ? o.partitions()
                : ((NoOffsetForPartitionException) e).partitions();
        log.warn("no valid offset for {}: starting them from the earliest record", partitions);
        consumer.seekToBeginning(partitions);
      }
      case RETRY_BATCH -> {
        log.warn(
            "{} failed, retrying in {} ms: {}",
            batch == null ? "poll" : "batch of " + batch.count(),
            backoff.toMillis(),
            e.toString());
        if (batch != null) {
          rewind(batch);
        }
        pause(backoff);
        Duration doubled = backoff.multipliedBy(2);
        backoff = doubled.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : doubled;
      }
    }
  }

  /** Seeks each partition of the batch that is still ours back to the batch's first record. */
  private void rewind(ConsumerRecords<byte[], byte[]> batch) {
    Set<TopicPartition> assigned = consumer.assignment();
    for (TopicPartition tp : batch.partitions()) {
      if (assigned.contains(tp)) {
        consumer.seek(tp, batch.records(tp).get(0).offset());
      }
    }
  }

  private void pause(Duration d) {
    try {
      // Waits on the stop signal rather than sleeping, so close() is not held up by a backoff.
      stopRequested.await(d.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(
      ConsumerRecords<byte[], byte[]> records) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition tp : records.partitions()) {
      List<ConsumerRecord<byte[], byte[]>> rs = records.records(tp);
      offsets.put(tp, new OffsetAndMetadata(rs.get(rs.size() - 1).offset() + 1));
    }
    return offsets;
  }

  /**
   * Stops after the batch in hand is processed and committed, then closes the consumer. Waits at
   * most {@code timeout}.
   */
  public void close(Duration timeout) {
    running = false;
    stopRequested.countDown();
    if (thread.getState() == Thread.State.NEW) {
      consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT));
      return;
    }
    if (thread.isAlive() && Thread.currentThread() != thread) {
      try {
        thread.join(timeout.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (thread.isAlive()) {
        log.warn("the consumer did not stop within {}", timeout);
      }
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(60));
  }

  private static final class LoggingRebalanceListener implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      if (!partitions.isEmpty()) {
        log.info("assigned {}", partitions);
      }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      // Nothing to commit here: each batch is committed before the next poll.
      if (!partitions.isEmpty()) {
        log.info("revoked {}", partitions);
      }
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      log.warn("lost {}; their uncommitted records go to the next owner", partitions);
    }
  }
}
