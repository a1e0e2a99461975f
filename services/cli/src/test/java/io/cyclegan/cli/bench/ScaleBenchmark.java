package io.cyclegan.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.cyclegan.cli.local.LocalPipeline;
import io.cyclegan.common.messages.Headers;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.messages.Topics;
import io.cyclegan.common.messages.TrainingCommand;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Issue 17 part 5 ({@code scripts/bench-scale.sh}): on {@code cyclegan up}'s in-process pipeline
 * (embedded Kafka and S3, the three services in this JVM), grows one dataset chunk by chunk over
 * Kafka and prints JSON lines: the ingest rate of each chunk against the dataset's size, the
 * latency of {@code GET /datasets} at the end, and the time from a start command to the job's
 * {@code started} event with a cold and then a warm training cache.
 *
 * <p>Arguments: images (20000), chunk (1000), size in px (32).
 */
public final class ScaleBenchmark {
  private static final Duration CHUNK_TIMEOUT = Duration.ofMinutes(10);

  private ScaleBenchmark() {}

  public static void main(String[] args) throws Exception {
    int images = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int chunk = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
    int size = args.length > 2 ? Integer.parseInt(args[2]) : 32;
    String dataset = "scale-" + UUID.randomUUID().toString().substring(0, 8);
    Topics topics = Topics.DEFAULTS;
    try (LocalPipeline pipeline = LocalPipeline.start(LocalPipeline.Ports.ANY, null, false);
        KafkaProducer<byte[], byte[]> producer = producer(pipeline);
        KafkaConsumer<byte[], byte[]> datasetEvents = consumer(pipeline, topics.datasets());
        KafkaConsumer<byte[], byte[]> jobEvents = consumer(pipeline, topics.trainingEvents())) {
      List<Double> rates = new ArrayList<>();
      Random random = new Random(17);
      // A chunk to another dataset first: the JIT, the pools and the connections warm up, so
      // that the first measured chunk is not slowed by the process's own start.
      double warmUp =
          sendChunk(producer, datasetEvents, topics, dataset + "-warmup", 0, chunk, size, random);
      print("ingest-warmup", Map.of("images", chunk, "seconds", round(warmUp)));
      long announced = 0;
      for (int sent = 0, n = 1; sent < images; n++) {
        int count = Math.min(chunk, images - sent);
        double seconds =
            sendChunk(producer, datasetEvents, topics, dataset, sent, count, size, random);
        announced += count;
        double rate = count / seconds;
        rates.add(rate);
        print(
            "ingest-chunk",
            Map.of(
                "chunk", n,
                "datasetImagesBefore", sent,
                "images", count,
                "seconds", round(seconds),
                "imagesPerSecond", round(rate)));
        sent += count;
      }
      print(
          "ingest-summary",
          Map.of(
              "datasetImages", announced,
              "firstChunkImagesPerSecond", round(rates.get(0)),
              "lastChunkImagesPerSecond", round(rates.get(rates.size() - 1)),
              "lastOverFirst", round(rates.get(rates.size() - 1) / rates.get(0)),
              "cpus", Runtime.getRuntime().availableProcessors(),
              "loadAverage",
                  round(
                      java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                          .getSystemLoadAverage())));
      getDatasets(pipeline, dataset, images);
      jobStart(pipeline, producer, jobEvents, topics, dataset, images, "cold");
      jobStart(pipeline, producer, jobEvents, topics, dataset, images, "warm");
    }
  }

  /**
   * Sends {@code count} new images to {@code dataset} over Kafka (encoded beforehand) and returns
   * the seconds from the first send until ingest has announced them all.
   */
  private static double sendChunk(
      KafkaProducer<byte[], byte[]> producer,
      KafkaConsumer<byte[], byte[]> datasetEvents,
      Topics topics,
      String dataset,
      int sent,
      int count,
      int size,
      Random random)
      throws IOException {
    List<byte[]> pngs = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      pngs.add(png(size, random));
    }
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      producer.send(
          new ProducerRecord<>(
              topics.imagesIn(),
              null,
              bytes(dataset + "-" + (sent + i)),
              pngs.get(i),
              List.of(
                  header(Headers.PURPOSE, "dataset"),
                  header(Headers.DATASET, dataset),
                  header(Headers.DOMAIN, (sent + i) % 2 == 0 ? "A" : "B"))));
    }
    producer.flush();
    awaitEvents(datasetEvents, dataset, count);
    return (System.nanoTime() - start) / 1e9;
  }

  /** Waits until {@code count} more dataset events of {@code dataset} have arrived. */
  private static long awaitEvents(KafkaConsumer<byte[], byte[]> events, String dataset, int count) {
    long seen = 0;
    long deadline = System.nanoTime() + CHUNK_TIMEOUT.toNanos();
    while (seen < count) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("ingest took " + seen + " of " + count + " in time");
      }
      for (ConsumerRecord<byte[], byte[]> r : events.poll(Duration.ofMillis(100))) {
        if (dataset.equals(new String(r.key(), StandardCharsets.UTF_8))) {
          seen++;
        }
      }
    }
    return seen;
  }

  private static void getDatasets(LocalPipeline pipeline, String dataset, int images)
      throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpRequest get =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pipeline.httpPort() + "/datasets"))
            .GET()
            .build();
    List<Double> ms = new ArrayList<>();
    JsonNode last = null;
    for (int i = 0; i < 21; i++) {
      long start = System.nanoTime();
      HttpResponse<byte[]> r = http.send(get, HttpResponse.BodyHandlers.ofByteArray());
      double took = (System.nanoTime() - start) / 1e6;
      if (r.statusCode() != 200) {
        throw new IllegalStateException("GET /datasets answered " + r.statusCode());
      }
      last = MessageCodec.mapper().readTree(r.body());
      if (i > 0) {
        ms.add(took); // the first call warms the connection and the JIT
      }
    }
    Collections.sort(ms);
    long counted = 0;
    for (JsonNode d : last.get("datasets")) {
      if (dataset.equals(d.get("name").asText())) {
        counted = d.get("counts").get("A").asLong() + d.get("counts").get("B").asLong();
      }
    }
    print(
        "get-datasets",
        Map.of(
            "datasetImages", images,
            "countedImages", counted,
            "calls", ms.size(),
            "p50Ms", round(ms.get(ms.size() / 2)),
            "maxMs", round(ms.get(ms.size() - 1))));
  }

  /**
   * Sends a start command and times it to the job's {@code started} event (the dataset synced to
   * the cache and the trainer built), then cancels the job and waits for it to end.
   */
  private static void jobStart(
      LocalPipeline pipeline,
      KafkaProducer<byte[], byte[]> producer,
      KafkaConsumer<byte[], byte[]> events,
      Topics topics,
      String dataset,
      int images,
      String cache)
      throws Exception {
    String jobId = dataset + "-" + cache;
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("epochs", 1);
    params.put("decayEpochs", 0);
    params.put("imageSize", 32);
    params.put("loadSize", 32);
    params.put("generatorBlocks", 1);
    params.put("ngf", 4);
    params.put("ndf", 4);
    long start = System.nanoTime();
    send(producer, topics, TrainingCommand.start(jobId, "scale", dataset, params));
    awaitJob(events, jobId, "started", "failed");
    double seconds = (System.nanoTime() - start) / 1e9;
    send(producer, topics, TrainingCommand.cancel(jobId));
    awaitJob(events, jobId, "cancelled", "completed", "failed");
    print(
        "job-start",
        Map.of("cache", cache, "datasetImages", images, "secondsToStarted", round(seconds)));
  }

  private static void send(
      KafkaProducer<byte[], byte[]> producer, Topics topics, TrainingCommand command)
      throws Exception {
    producer
        .send(
            new ProducerRecord<>(
                topics.trainingCommands(), bytes(command.jobId()), MessageCodec.encode(command)))
        .get();
  }

  private static void awaitJob(KafkaConsumer<byte[], byte[]> events, String jobId, String... types)
      throws IOException {
    long deadline = System.nanoTime() + CHUNK_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      for (ConsumerRecord<byte[], byte[]> r : events.poll(Duration.ofMillis(100))) {
        if (!jobId.equals(new String(r.key(), StandardCharsets.UTF_8))) {
          continue;
        }
        String type = MessageCodec.mapper().readTree(r.value()).get("type").asText();
        for (String t : types) {
          if (t.equals(type)) {
            if ("failed".equals(type)) {
              throw new IllegalStateException("job " + jobId + " failed: " + new String(r.value()));
            }
            return;
          }
        }
      }
    }
    throw new IllegalStateException("job " + jobId + " did not reach " + List.of(types));
  }

  /** A distinct image: random coloured blocks, so no two share a SHA-256. */
  private static byte[] png(int size, Random random) throws IOException {
    BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < size; y += 4) {
      for (int x = 0; x < size; x += 4) {
        int rgb = random.nextInt(0x1000000);
        for (int dy = 0; dy < 4 && y + dy < size; dy++) {
          for (int dx = 0; dx < 4 && x + dx < size; dx++) {
            image.setRGB(x + dx, y + dy, rgb);
          }
        }
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }

  private static KafkaProducer<byte[], byte[]> producer(LocalPipeline pipeline) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.stack().bootstrapServers());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    return new KafkaProducer<>(p);
  }

  /** Reads {@code topic} from its end on, so only what this run causes is seen. */
  private static KafkaConsumer<byte[], byte[]> consumer(LocalPipeline pipeline, String topic) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.stack().bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-scale-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p);
    c.subscribe(List.of(topic));
    return c;
  }

  private static org.apache.kafka.common.header.Header header(String name, String value) {
    return new org.apache.kafka.common.header.internals.RecordHeader(name, bytes(value));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }

  private static void print(String bench, Map<String, Object> fields) throws IOException {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("bench", bench);
    line.putAll(new java.util.TreeMap<>(fields));
    System.out.println(MessageCodec.mapper().writeValueAsString(line));
    System.out.flush();
  }
}
