package io.cyclegan.cli.dlq;

import com.fasterxml.jackson.databind.JsonNode;
import io.cyclegan.cli.CliContext;
import io.cyclegan.cli.ClientCommand;
import io.cyclegan.cli.ExitCodes;
import io.cyclegan.cli.connect.ApiClient;
import io.cyclegan.cli.connect.Connection;
import io.cyclegan.common.deadletter.DeadLetterEntry;
import io.cyclegan.common.deadletter.DeadLetterReplay;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Re-publishes dead letters onto their source topic, unchanged but for the dead-letter headers (for
 * when the cause is fixed: a model now exists, a limit was raised), a page at a time: over Kafka
 * with the shared {@link DeadLetterReplay}, over the HTTP API with {@code POST
 * /dead-letters/{topic}/replay}, which runs the same replay. The DLQ itself is left as it is.
 */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = "Re-publish dead letters onto their source topic.")
public final class DlqReplayCommand extends ClientCommand {
  /** Dead letters read (and replayed) per page. */
  static final int PAGE = 100;

  @Parameters(
      paramLabel = "TOPIC",
      description = "the source topic (e.g. cyclegan.images.in) or its dead-letter topic")
  String topic;

  @Option(
      names = "--where-error",
      paramLabel = "TEXT",
      description = "only records whose error class or message contains TEXT (any case)")
  String whereError;

  @Option(names = "--dry-run", description = "count what would be replayed; publish nothing")
  boolean dryRun;

  DlqReplayCommand(CliContext context) {
    super(context);
  }

  @Override
  public Integer call() throws Exception {
    String dlq;
    DeadLetterReplay.Counts total = new DeadLetterReplay.Counts(0, 0, 0);
    if (api().isPresent()) {
      ApiClient api = api().get();
      String path = "/dead-letters/" + URLEncoder.encode(topic, StandardCharsets.UTF_8) + "/replay";
      String cursor = null;
      do {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("whereError", whereError);
        body.put("dryRun", dryRun);
        body.put("limit", PAGE);
        body.put("cursor", cursor);
        JsonNode answer = api.postJson(path, body);
        dlq = answer.path("topic").asText(topic);
        total =
            total.plus(
                new DeadLetterReplay.Counts(
                    answer.path("scanned").asInt(),
                    answer.path("matched").asInt(),
                    answer.path("replayed").asInt()));
        String next = answer.path("next").asText(null);
        if (next != null && next.equals(cursor)) {
          throw new IllegalStateException("the HTTP API repeated a page cursor of " + path);
        }
        cursor = next;
      } while (cursor != null);
    } else {
      Connection connection = connection();
      dlq = DeadLetterScan.dlqTopic(connection.topics(), topic);
      DeadLetterReplay replay =
          DeadLetterReplay.of(dlq, connection.topics().dlqSuffix(), whereError);
      try (KafkaConsumer<byte[], byte[]> consumer = connection.reader();
          KafkaProducer<byte[], byte[]> producer = connection.producer()) {
        String cursor = null;
        do {
          DeadLetterScan.Page<DeadLetterEntry> page =
              DeadLetterScan.page(consumer, dlq, cursor, PAGE);
          total = total.plus(replay.replay(producer, page.items(), dryRun));
          cursor = page.next().orElse(null);
        } while (cursor != null);
      }
    }
    out()
        .printf(
            dryRun
                ? "would replay %d of %d dead letters from %s%n"
                : "replayed %d of %d dead letters from %s%n",
            dryRun ? total.matched() : total.replayed(),
            total.scanned(),
            dlq);
    return ExitCodes.OK;
  }
}
