package io.cyclegan.cli.dataset;

import io.cyclegan.cli.CliContext;
import io.cyclegan.cli.ClientCommand;
import io.cyclegan.cli.ExitCodes;
import io.cyclegan.cli.connect.ApiClient;
import io.cyclegan.cli.connect.Connection;
import io.cyclegan.cli.console.ProgressBar;
import io.cyclegan.cli.topics.RecordText;
import io.cyclegan.cli.topics.TopicReader;
import io.cyclegan.common.messages.Headers;
import io.cyclegan.common.store.Names;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Publishes a folder of images to a dataset over {@code cyclegan.images.in}, then tells which the
 * ingest service accepted. The contract has no reply for dataset images, so the outcome is read
 * from what ingest leaves behind: its group's committed offsets (processed) and the dead-letter
 * topic (rejected, with the reason).
 */
@Command(
    name = "upload",
    mixinStandardHelpOptions = true,
    description = "Upload the files of DIR to dataset NAME, domain A or B, and report the outcome.")
public final class DatasetUploadCommand extends ClientCommand {

  @Parameters(index = "0", paramLabel = "NAME", description = "dataset name")
  String dataset;

  @Parameters(index = "1", paramLabel = "DIR", description = "folder of images (not recursive)")
  Path dir;

  @Option(names = "--domain", required = true, paramLabel = "A|B", description = "A or B")
  String domain;

  @Option(
      names = "--timeout",
      defaultValue = "120",
      paramLabel = "SECONDS",
      description = "how long to wait for the ingest service (default: ${DEFAULT-VALUE})")
  long timeoutSeconds;

  @Option(
      names = "--ingest-group",
      defaultValue = "cyclegan-ingest",
      paramLabel = "GROUP",
      description = "the ingest service's consumer group (default: ${DEFAULT-VALUE})")
  String ingestGroup;

  DatasetUploadCommand(CliContext context) {
    super(context);
  }

  @Override
  public Integer call() throws Exception {
    Names.require("dataset", dataset);
    if (!"A".equals(domain) && !"B".equals(domain)) {
      throw new IllegalArgumentException("--domain must be A or B, was '" + domain + "'");
    }
    List<Path> files = UploadFiles.in(dir);
    Optional<ApiClient> api = api();
    if (api.isPresent()) {
      return overApi(api.get(), files);
    }
    Connection connection = connection();
    String topic = connection.topics().imagesIn();
    String dlq = connection.topics().dlq(topic);
    try (KafkaProducer<byte[], byte[]> producer = connection.producer();
        KafkaConsumer<byte[], byte[]> consumer = connection.reader();
        AdminClient admin = connection.admin()) {
      TopicReader reader = new TopicReader(consumer);
      // Taken before sending, so every rejection of ours lies after it.
      Map<TopicPartition, Long> dlqStart = reader.endOffsets(List.of(dlq));
      List<SentFile> results = send(producer, topic, files);
      List<SentFile> sent = results.stream().filter(SentFile::sent).toList();

      ProgressBar waiting = new ProgressBar(err(), context.interactive(), "ingest", sent.size());
      int processed =
          new GroupProgress(admin, ingestGroup)
              .awaitProcessed(sent, Duration.ofSeconds(timeoutSeconds), waiting);
      waiting.finish();
      if (processed < sent.size()) {
        out()
            .printf(
                "timed out after %d s: the ingest service (group %s) has processed %d of %d files;"
                    + " is it running?%n",
                timeoutSeconds, ingestGroup, processed, sent.size());
        return ExitCodes.TIMEOUT;
      }
      Map<String, String> rejections = new LinkedHashMap<>();
      reader.readRange(
          dlqStart,
          reader.endOffsets(List.of(dlq)),
          Duration.ofSeconds(timeoutSeconds),
          record ->
              rejections.put(
                  RecordText.key(record),
                  RecordText.header(record, Headers.ERROR_MESSAGE).orElse("(no reason given)")));
      return report(results, rejections);
    }
  }

  private List<SentFile> send(
      KafkaProducer<byte[], byte[]> producer, String topic, List<Path> files)
      throws IOException, InterruptedException {
    List<String> keys = new ArrayList<>();
    List<Future<RecordMetadata>> futures = new ArrayList<>();
    for (Path file : files) {
      String key = "upload-" + UUID.randomUUID();
      keys.add(key);
      futures.add(producer.send(record(topic, key, file)));
    }
    ProgressBar bar = new ProgressBar(err(), context.interactive(), "upload", files.size());
    List<SentFile> results = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      Path file = files.get(i);
      try {
        results.add(new SentFile(file, keys.get(i), futures.get(i).get(), null));
      } catch (ExecutionException e) {
        results.add(
            new SentFile(file, keys.get(i), null, "not sent: " + e.getCause().getMessage()));
      }
      bar.step(i + 1, file.getFileName().toString());
    }
    bar.finish();
    return results;
  }

  private ProducerRecord<byte[], byte[]> record(String topic, String key, Path file)
      throws IOException {
    ProducerRecord<byte[], byte[]> record =
        new ProducerRecord<>(topic, RecordText.bytes(key), Files.readAllBytes(file));
    RecordText.addHeader(record, Headers.PURPOSE, Headers.PURPOSE_DATASET);
    RecordText.addHeader(record, Headers.DATASET, dataset);
    RecordText.addHeader(record, Headers.DOMAIN, domain);
    RecordText.addHeader(record, Headers.FILENAME, file.getFileName().toString());
    return record;
  }

  /**
   * {@code POST /datasets/{name}/{A|B}} per file: the API answers once each image is stored, so the
   * outcome is known at once (no ingest group to wait for).
   */
  private int overApi(ApiClient api, List<Path> files) throws IOException {
    List<SentFile> results = new ArrayList<>();
    ProgressBar bar = new ProgressBar(err(), context.interactive(), "upload", files.size());
    for (int i = 0; i < files.size(); i++) {
      Path file = files.get(i);
      String key = "upload-" + UUID.randomUUID();
      String name = file.getFileName().toString();
      String refused = null;
      try {
        api.sendBytes(
            "POST",
            "/datasets/"
                + dataset
                + "/"
                + domain
                + "?filename="
                + java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8),
            "application/octet-stream",
            Files.readAllBytes(file));
      } catch (ApiClient.ApiException e) {
        refused = e.getMessage();
      }
      results.add(new SentFile(file, key, null, refused));
      bar.step(i + 1, name);
    }
    bar.finish();
    return report(results, Map.of());
  }

  private int report(List<SentFile> results, Map<String, String> rejections) {
    List<String> problems = new ArrayList<>();
    for (SentFile file : results) {
      if (!file.sent()) {
        problems.add(file.name() + ": " + file.sendError());
      } else if (rejections.containsKey(file.key())) {
        problems.add(file.name() + ": " + rejections.get(file.key()));
      }
    }
    int accepted = results.size() - problems.size();
    out()
        .printf(
            "dataset %s, domain %s: %d accepted, %d rejected%n",
            dataset, domain, accepted, problems.size());
    for (String problem : problems) {
      out().println("  rejected " + problem);
    }
    out().flush();
    return problems.isEmpty() ? ExitCodes.OK : ExitCodes.FAILED;
  }
}
