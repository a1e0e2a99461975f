package io.cyclegan.training.job;

import io.cyclegan.common.fault.Dependency;
import io.cyclegan.common.fault.Faults;
import io.cyclegan.common.fault.Retrier;
import io.cyclegan.common.fault.RetryPolicy;
import io.cyclegan.common.messages.CloudEvents;
import io.cyclegan.common.messages.TrainingEvent;
import io.cyclegan.common.trace.TraceContext;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes job events on {@code cyclegan.training.events}, keyed by job id so that one job's
 * events stay in order on one partition. Facts the event schema has no field for (the device, the
 * checkpoint a job resumed from) travel as {@code cg-*} headers.
 *
 * <p>Two delivery promises. {@link #sendAndWait} (accepted, started, checkpoint and the final
 * events) waits for the broker's acknowledgement and, while Kafka is away, sends again with the
 * retry policy's backoff until the outage budget is spent; only then does it throw {@link
 * EventsUnavailableException}, a transient fault. {@link #sendProgress} never waits and never
 * throws: a progress event is dropped when the sender is still busy with an earlier event (Kafka is
 * away: the producer's {@code send} blocks for metadata up to {@code max.block.ms}) or when Kafka
 * does not take it within {@code delivery.timeout.ms}; the next one supersedes it.
 *
 * <p>Every event goes through one sender thread, in the order the job emits them, so a blocked
 * {@code send} never stalls the training steps and a progress event never overtakes a checkpoint.
 */
public final class JobEvents implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JobEvents.class);

  /** Header naming the device a {@code started} event's job trains on. */
  public static final String DEVICE_HEADER = "cg-device";

  /**
   * Header with the libtorch intra-op thread count a {@code started} event's job runs its steps on
   * (one for a small step on the CPU, docs/configuration.md).
   */
  public static final String THREADS_HEADER = "cg-intra-op-threads";

  /** Header naming the checkpoint a {@code started} event's job resumed from. */
  public static final String RESUMED_FROM_HEADER = "cg-resumed-from";

  /** Header saying why a {@code checkpoint} event was written outside the schedule. */
  public static final String REASON_HEADER = "cg-reason";

  /**
   * On {@code started} of a fine-tuning job starting fresh: {@code model:version} it starts from,
   * then {@code +discriminators} or {@code +fresh-discriminators}.
   */
  public static final String INIT_FROM_HEADER = "cg-init-from";

  private final Producer<byte[], byte[]> producer;
  private final String topic;
  private final String source;
  private final Retrier retrier;
  private final Sender sender;

  /**
   * Events with the default retry policy (tests and tools).
   *
   * @param source the CloudEvents source, e.g. {@code /cyclegan/training/worker-0}
   */
  public JobEvents(Producer<byte[], byte[]> producer, String topic, String source) {
    this(producer, topic, source, new Retrier(RetryPolicy.DEFAULT, new Dependency("kafka-events")));
  }

  /**
   * @param retrier how long {@link #sendAndWait} waits out a broker that is away
   */
  public JobEvents(
      Producer<byte[], byte[]> producer, String topic, String source, Retrier retrier) {
    this(producer, topic, source, retrier, new Sender());
  }

  private JobEvents(
      Producer<byte[], byte[]> producer,
      String topic,
      String source,
      Retrier retrier,
      Sender sender) {
    this.producer = producer;
    this.topic = topic;
    this.source = source;
    this.retrier = retrier;
    this.sender = sender;
  }

  /**
   * The same events with another retry policy: the poll thread gives up sooner, so that it goes on
   * polling and reads the command again later.
   */
  public JobEvents withPolicy(RetryPolicy policy) {
    return new JobEvents(
        producer, topic, source, new Retrier(policy, retrier.dependency()), sender);
  }

  /**
   * Sends a progress event without waiting; when Kafka is away it is dropped (logged once per
   * outage), never retried: the next progress event carries newer figures.
   */
  public void sendProgress(TrainingEvent event) {
    ProducerRecord<byte[], byte[]> record = record(event, Map.of());
    boolean offered =
        sender.offer(
            () -> {
              try {
                producer.send(
                    record,
                    (metadata, error) -> {
                      if (error == null) {
                        sender.delivered();
                      } else {
                        sender.dropped(error);
                      }
                    });
              } catch (RuntimeException e) {
                sender.dropped(e);
              }
            });
    if (!offered) {
      sender.dropped(null);
    }
  }

  /**
   * Sends and waits for the broker: for events a reader must not miss (accepted, started,
   * checkpoint, final events), and that precede a commit, so an offset is never committed for an
   * event that was lost. A broker that is away is waited for, within the outage budget.
   *
   * @throws EventsUnavailableException when the budget ran out
   */
  public void sendAndWait(TrainingEvent event) {
    sendAndWait(event, Map.of());
  }

  public void sendAndWait(TrainingEvent event, Map<String, String> headers) {
    log.info("event {} epoch {} step {}", event.type(), event.epoch(), event.step());
    // Made here, on the thread that has the command's or the job's trace context.
    ProducerRecord<byte[], byte[]> record = record(event, headers);
    try {
      retrier.call(
          "send " + event.type() + " event of job " + event.jobId(),
          () -> {
            // Handed to the producer on the sender thread, then acknowledged by the broker.
            RecordMetadata acknowledged =
                result(result(sender.submit(() -> producer.send(record))));
            sender.delivered();
            return acknowledged;
          });
    } catch (Retrier.GaveUp e) {
      String message =
          "cannot send " + event.type() + " event to " + topic + ": " + e.getCause().toString();
      if (e.transientFault()) {
        throw new EventsUnavailableException(message, e.getCause());
      }
      throw new IllegalStateException(message, e.getCause());
    }
  }

  private static <T> T result(Future<T> future) throws Exception {
    try {
      return future.get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  /** Stops the sender thread (events not yet handed to the producer are dropped). */
  @Override
  public void close() {
    sender.close();
  }

  private ProducerRecord<byte[], byte[]> record(TrainingEvent event, Map<String, String> headers) {
    ProducerRecord<byte[], byte[]> record = CloudEvents.record(topic, event.jobId(), event, source);
    headers.forEach((k, v) -> record.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
    // A child of the command's trace (docs/reliability.md, "Trace context").
    TraceContext.current().ifPresent(trace -> trace.child().on(record));
    return record;
  }

  /**
   * Kafka did not take an event that must not be lost within the outage budget: a transient fault,
   * so the job is left for a retry, never failed for it.
   */
  public static final class EventsUnavailableException extends RuntimeException
      implements Faults.TransientFault {
    private static final long serialVersionUID = 1L;

    EventsUnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * The one thread that hands events to the producer, in order. A progress event is only offered:
   * it is dropped when an earlier send has not returned yet (the producer is blocked on a broker
   * that is away).
   */
  private static final class Sender {
    private final ExecutorService thread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "training-events");
              t.setDaemon(true);
              return t;
            });
    private final AtomicInteger busy = new AtomicInteger();
    private final AtomicBoolean dropping = new AtomicBoolean();

    boolean offer(Runnable send) {
      if (!busy.compareAndSet(0, 1)) {
        return false;
      }
      try {
        thread.execute(
            () -> {
              try {
                send.run();
              } finally {
                busy.decrementAndGet();
              }
            });
        return true;
      } catch (RejectedExecutionException e) {
        busy.decrementAndGet();
        return false;
      }
    }

    <T> Future<T> submit(Callable<T> send) {
      busy.incrementAndGet();
      try {
        return thread.submit(
            () -> {
              try {
                return send.call();
              } finally {
                busy.decrementAndGet();
              }
            });
      } catch (RejectedExecutionException e) {
        busy.decrementAndGet();
        throw new IllegalStateException("the events sender is closed", e);
      }
    }

    void delivered() {
      if (dropping.compareAndSet(true, false)) {
        log.info("progress events are delivered again");
      }
    }

    void dropped(Throwable why) {
      if (dropping.compareAndSet(false, true)) {
        log.warn(
            "progress events are being dropped while Kafka is away{}",
            why == null ? " (an earlier event is still waiting)" : ": " + why);
      }
    }

    void close() {
      thread.shutdownNow();
    }
  }
}
