package io.cyclegan.cli.chaos;

import io.cyclegan.common.messages.DatasetEvent;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.messages.Topics;
import io.cyclegan.common.messages.TrainingEvent;
import io.cyclegan.common.messages.TranslateResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads what the pipeline answers, from the first offset, without a consumer group (so it never
 * disturbs the services' groups): translation results and training events into the {@link Ledger},
 * dataset counts, and how many records each dead-letter topic got. One thread; the consumer
 * reconnects by itself across broker restarts.
 */
final class PipelineWatcher implements AutoCloseable {

  /** A training event that shows a job moving, for the training side of recovery. */
  record JobActivity(String jobId, String type, long receivedAtMs) {}

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Topics topics;
  private final Ledger ledger;
  private final RunLog log;
  private final Thread thread;
  private final Map<String, Long> datasetCounts = new ConcurrentHashMap<>();
  private final Map<String, Long> deadLetters = new ConcurrentHashMap<>();
  private final List<JobActivity> activity = new ArrayList<>();
  private final List<String> trainingErrors = new ArrayList<>();
  private volatile boolean stopping;

  PipelineWatcher(
      KafkaConsumer<byte[], byte[]> consumer, Topics topics, Ledger ledger, RunLog log) {
    this.consumer = consumer;
    this.topics = topics;
    this.ledger = ledger;
    this.log = log;
    this.thread = new Thread(this::run, "chaos-watcher");
    this.thread.setDaemon(true);
  }

  PipelineWatcher start() {
    List<TopicPartition> partitions = new ArrayList<>();
    List<String> watched =
        new ArrayList<>(
            List.of(topics.translateResults(), topics.trainingEvents(), topics.datasets()));
    for (String t : topics.all()) {
      watched.add(topics.dlq(t));
    }
    for (String topic : watched) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
      if (infos == null) {
        continue; // a dead-letter topic this stack did not create
      }
      infos.forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    thread.start();
    return this;
  }

  private void run() {
    while (!stopping) {
      try {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          handle(r, System.currentTimeMillis());
        }
      } catch (org.apache.kafka.common.errors.WakeupException e) {
        return;
      } catch (RuntimeException e) {
        log.say("watcher: poll failed (%s), polling on", e.toString());
        pause();
      }
    }
  }

  private void handle(ConsumerRecord<byte[], byte[]> r, long now) {
    String topic = r.topic();
    try {
      if (topic.equals(topics.translateResults())) {
        TranslateResult result = MessageCodec.decode(r.value(), TranslateResult.class);
        ledger.result(
            result.requestId(), result.status() == TranslateResult.Status.ok, result.error(), now);
      } else if (topic.equals(topics.trainingEvents())) {
        TrainingEvent e = MessageCodec.decode(r.value(), TrainingEvent.class);
        String type = e.type().name();
        synchronized (this) {
          activity.add(new JobActivity(e.jobId(), type, now));
          if (e.error() != null) {
            trainingErrors.add(e.jobId() + " " + type + ": " + e.error());
          }
        }
        if (type.equals("completed") || type.equals("failed") || type.equals("cancelled")) {
          ledger.jobEnded(e.jobId(), type, e.error(), now);
          log.say("job %s %s%s", e.jobId(), type, e.error() == null ? "" : ": " + e.error());
        }
      } else if (topic.equals(topics.datasets())) {
        DatasetEvent d = MessageCodec.decode(r.value(), DatasetEvent.class);
        d.counts()
            .forEach((domain, n) -> datasetCounts.merge(d.dataset() + "/" + domain, n, Math::max));
      } else {
        deadLetters.merge(topic, 1L, Long::sum);
      }
    } catch (RuntimeException e) {
      log.say(
          "watcher: unreadable record on %s at offset %d: %s", topic, r.offset(), e.getMessage());
    }
  }

  /** The newest count of a dataset's domain, 0 before the first event. */
  long datasetCount(String dataset, String domain) {
    return datasetCounts.getOrDefault(dataset + "/" + domain, 0L);
  }

  Map<String, Long> deadLetters() {
    return new TreeMap<>(deadLetters);
  }

  synchronized List<JobActivity> activity() {
    return List.copyOf(activity);
  }

  synchronized List<String> trainingErrors() {
    return List.copyOf(trainingErrors);
  }

  @Override
  public void close() {
    stopping = true;
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    consumer.close(Duration.ofSeconds(5));
  }

  private static void pause() {
    try {
      Thread.sleep(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
