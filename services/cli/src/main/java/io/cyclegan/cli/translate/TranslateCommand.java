package io.cyclegan.cli.translate;

import io.cyclegan.cli.CliContext;
import io.cyclegan.cli.ClientCommand;
import io.cyclegan.cli.ExitCodes;
import io.cyclegan.cli.connect.ApiClient;
import io.cyclegan.cli.connect.Connection;
import io.cyclegan.cli.topics.RecordText;
import io.cyclegan.cli.topics.TopicReader;
import io.cyclegan.common.config.S3Settings;
import io.cyclegan.common.messages.Direction;
import io.cyclegan.common.messages.Headers;
import io.cyclegan.common.messages.OutputFormat;
import io.cyclegan.common.messages.TranslateResult;
import io.cyclegan.common.store.Names;
import io.cyclegan.common.store.ObjectStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Translates files with a model: publishes each to {@code cyclegan.images.in}, waits for its
 * result, and downloads the output from the store.
 */
@Command(
    name = "translate",
    description = "Translate images with a trained model and download the outputs.")
public final class TranslateCommand extends ClientCommand {

  // No standard --version option here: --version pins a model version.
  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help message and exit.")
  boolean help;

  @Option(names = "--model", required = true, paramLabel = "NAME", description = "model name")
  String model;

  @Option(
      names = "--direction",
      defaultValue = "AtoB",
      paramLabel = "AtoB|BtoA",
      description = "which generator (default: ${DEFAULT-VALUE})")
  Direction direction;

  @Option(
      names = "--version",
      paramLabel = "V",
      description = "pin a model version (default: the newest)")
  String version;

  @Option(
      names = "--format",
      defaultValue = "png",
      paramLabel = "png|jpeg",
      description = "how the outputs are encoded (default: ${DEFAULT-VALUE}; jpeg: quality 0.9)")
  OutputFormat format;

  @Parameters(arity = "1..*", paramLabel = "FILES", description = "images to translate")
  List<Path> files;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "where outputs go")
  Path outDir;

  @Option(
      names = "--timeout",
      defaultValue = "120",
      paramLabel = "SECONDS",
      description = "how long to wait for all results (default: ${DEFAULT-VALUE})")
  long timeoutSeconds;

  TranslateCommand(CliContext context) {
    super(context);
  }

  @Override
  public Integer call() throws Exception {
    Names.require("model", model);
    if (version != null) {
      Names.require("model version", version);
    }
    for (Path file : files) {
      if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
        throw new IllegalArgumentException(file + " is not a readable file");
      }
    }
    Files.createDirectories(outDir);
    Optional<ApiClient> api = api();
    if (api.isPresent()) {
      Map<String, Request> requests =
          new ApiTranslation(api.get(), model, direction, version, format, outDir)
              .run(files, Duration.ofSeconds(timeoutSeconds));
      return report(requests, this::problemOverApi);
    }
    Connection connection = connection();
    String imagesIn = connection.topics().imagesIn();
    String results = connection.topics().translateResults();
    String imagesDlq = connection.topics().dlq(imagesIn);
    Map<String, Request> requests = new LinkedHashMap<>();
    try (KafkaProducer<byte[], byte[]> producer = connection.producer();
        KafkaConsumer<byte[], byte[]> consumer = connection.reader()) {
      TopicReader reader = new TopicReader(consumer);
      if (reader.partitions(results).isEmpty()) {
        throw new IllegalStateException("topic " + results + " does not exist");
      }
      // Positions fixed before sending: a result cannot arrive before we look for it.
      Map<TopicPartition, Long> before = reader.endOffsets(List.of(results, imagesDlq));
      reader.assignAt(before);
      send(producer, imagesIn, requests);
      new ResultCollector(reader, results, imagesDlq)
          .collect(requests, Duration.ofSeconds(timeoutSeconds));
    }
    ObjectStore defaultStore = connection.store();
    return report(requests, request -> problem(connection, defaultStore, request));
  }

  private void send(
      KafkaProducer<byte[], byte[]> producer, String topic, Map<String, Request> requests)
      throws IOException, InterruptedException {
    OutputNames names = new OutputNames(outDir, direction, format);
    Map<String, Future<RecordMetadata>> sends = new LinkedHashMap<>();
    for (Path file : files) {
      String requestId = "cli-" + UUID.randomUUID();
      requests.put(requestId, Request.pending(file, requestId, names.forInput(file)));
      sends.put(requestId, producer.send(record(topic, requestId, file)));
    }
    for (Map.Entry<String, Future<RecordMetadata>> send : sends.entrySet()) {
      try {
        send.getValue().get();
      } catch (ExecutionException e) {
        requests.computeIfPresent(
            send.getKey(), (id, r) -> r.failed("not sent: " + e.getCause().getMessage()));
      }
    }
  }

  private ProducerRecord<byte[], byte[]> record(String topic, String requestId, Path file)
      throws IOException {
    ProducerRecord<byte[], byte[]> record =
        new ProducerRecord<>(topic, RecordText.bytes(requestId), Files.readAllBytes(file));
    RecordText.addHeader(record, Headers.PURPOSE, Headers.PURPOSE_TRANSLATE);
    RecordText.addHeader(record, Headers.MODEL, model);
    RecordText.addHeader(record, Headers.DIRECTION, direction.name());
    RecordText.addHeader(record, Headers.REQUEST_ID, requestId);
    RecordText.addHeader(record, Headers.FILENAME, file.getFileName().toString());
    RecordText.addHeader(record, Headers.OUTPUT_FORMAT, format.name());
    if (version != null) {
      RecordText.addHeader(record, Headers.MODEL_VERSION, version);
    }
    return record;
  }

  private int report(Map<String, Request> requests, Function<Request, String> problems) {
    int failed = 0;
    int timedOut = 0;
    int ok = 0;
    for (Request request : requests.values()) {
      String problem = problems.apply(request);
      if (problem == null) {
        ok++;
        TranslateResult r = request.result();
        out()
            .printf(
                "ok      %s -> %s (model %s%s%s)%n",
                request.name(),
                request.output(),
                r.model() == null ? model : r.model(),
                r.modelVersion() == null ? "" : " version " + r.modelVersion(),
                r.timings() == null || r.timings().totalMs() == null
                    ? ""
                    : ", " + r.timings().totalMs() + " ms");
      } else if (!request.isDone()) {
        timedOut++;
        out().printf("timeout %s: %s%n", request.name(), problem);
      } else {
        failed++;
        out().printf("error   %s: %s%n", request.name(), problem);
      }
    }
    out()
        .printf(
            "%d of %d translated into %s%s%s%n",
            ok,
            requests.size(),
            outDir,
            failed > 0 ? ", " + failed + " failed" : "",
            timedOut > 0 ? ", " + timedOut + " timed out" : "");
    if (failed > 0) {
      return ExitCodes.FAILED;
    }
    return timedOut > 0 ? ExitCodes.TIMEOUT : ExitCodes.OK;
  }

  /** Over the HTTP API the output was downloaded already: what went wrong, or {@code null}. */
  private String problemOverApi(Request request) {
    if (!request.isDone()) {
      return "no result within " + timeoutSeconds + " s (request id " + request.requestId() + ")";
    }
    if (request.error() != null) {
      return request.error();
    }
    return request.result().status() == TranslateResult.Status.ok ? null : request.result().error();
  }

  /** Downloads an ok result's output; returns what went wrong, or {@code null}. */
  private String problem(Connection connection, ObjectStore defaultStore, Request request) {
    if (!request.isDone()) {
      return "no result within " + timeoutSeconds + " s (request id " + request.requestId() + ")";
    }
    if (request.error() != null) {
      return request.error();
    }
    TranslateResult result = request.result();
    if (result.status() != TranslateResult.Status.ok) {
      return result.error();
    }
    ObjectStore store = storeFor(connection, defaultStore, result.bucket());
    if (!store.getToFile(result.outputKey(), request.output())) {
      return "the result names "
          + result.outputKey()
          + ", which is not in bucket "
          + store.bucket();
    }
    return null;
  }

  /** The result says which bucket holds the output; it is normally the pipeline's own. */
  private static ObjectStore storeFor(Connection connection, ObjectStore fallback, String bucket) {
    S3Settings s3 = connection.s3();
    if (bucket == null || bucket.equals(s3.bucket())) {
      return fallback;
    }
    return new ObjectStore(s3.withBucket(bucket));
  }
}
