package io.cyclegan.cli;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * Plays a service in a test: polls a consumer on its own thread and hands each record to a handler,
 * until closed. The consumer's positions are fixed by whoever made it, before the command under
 * test runs, so nothing the command sends is missed. A handler's failure fails the test at {@link
 * #close()}.
 */
final class FakeService implements AutoCloseable {
  private final ExecutorService thread = Executors.newSingleThreadExecutor();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Future<?> loop;
  private final java.util.List<AutoCloseable> resources = new java.util.ArrayList<>();

  FakeService(
      KafkaConsumer<byte[], byte[]> consumer,
      Consumer<ConsumerRecord<byte[], byte[]>> handler,
      Runnable afterBatch) {
    loop =
        thread.submit(
            () -> {
              try (consumer) {
                while (running.get()) {
                  var records = consumer.poll(Duration.ofMillis(100));
                  records.forEach(handler);
                  if (!records.isEmpty()) {
                    afterBatch.run();
                  }
                }
              }
              return null;
            });
  }

  /** Closes {@code resource} (a producer the handler uses) after the loop has stopped. */
  FakeService alsoClosing(AutoCloseable resource) {
    resources.add(resource);
    return this;
  }

  @Override
  public void close() throws Exception {
    running.set(false);
    try {
      loop.get(30, TimeUnit.SECONDS);
    } finally {
      thread.shutdownNow();
      for (AutoCloseable resource : resources) {
        resource.close();
      }
    }
  }
}
