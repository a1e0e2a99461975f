package io.cyclegan.ingest.http;

import io.cyclegan.common.image.ImageValidator;
import io.cyclegan.common.messages.Headers;
import io.cyclegan.ingest.routing.BatchResult;
import io.cyclegan.ingest.routing.IngestInput;
import io.cyclegan.ingest.routing.IngestProcessor;
import io.cyclegan.ingest.routing.Outcome;
import io.cyclegan.ingest.routing.RejectReason;
import io.cyclegan.ingest.routing.Route;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Imports the images of a zip archive into one dataset domain, in batches through the same
 * processor as Kafka records. Memory stays bounded: entries are read one at a time, each at most
 * the image limit, and at most {@code batchSize} images are held before they are processed.
 */
final class ZipImport {
  /** More entries than any real dataset upload has; a zip of empty files is refused. */
  static final int MAX_ENTRIES = 100_000;

  private final IngestProcessor processor;
  private final long maxImageBytes;
  private final long maxInflatedBytes;
  private final int batchSize;
  private final long maxBatchDecodedBytes;
  // Reads sizes from headers only; the processor's own validator enforces the pixel limit.
  private final ImageValidator sizes;
  private final Duration storeWait;
  private final Duration outputTimeout;

  /**
   * @param maxInflatedBytes the most bytes the whole archive may expand to, counting what is
   *     skipped: a zip bomb is refused after that much work, not after inflating it all
   * @param maxBatchDecodedBytes the most bytes of decoded images one batch holds ({@code
   *     CYCLEGAN_INGEST_MAX_BATCH_DECODED_BYTES}, as for the images consumer): a batch is processed
   *     early rather than go over it
   */
  ZipImport(
      IngestProcessor processor,
      long maxImageBytes,
      long maxInflatedBytes,
      int batchSize,
      long maxBatchDecodedBytes,
      Duration storeWait,
      Duration outputTimeout) {
    this.processor = processor;
    this.maxImageBytes = maxImageBytes;
    this.maxInflatedBytes = maxInflatedBytes;
    this.batchSize = batchSize;
    this.maxBatchDecodedBytes = maxBatchDecodedBytes;
    this.sizes = new ImageValidator(maxImageBytes, Long.MAX_VALUE);
    this.storeWait = storeWait;
    this.outputTimeout = outputTimeout;
  }

  /** An imported entry. */
  record Accepted(String file, String key, boolean duplicate) {}

  /** A refused entry with the reason, as in a dead letter. */
  record Rejected(String file, String reason, String error) {}

  /** An entry left out on purpose (not an image file). */
  record Skipped(String file, String why) {}

  /** What became of every entry. */
  record Report(
      String dataset,
      String domain,
      List<Accepted> accepted,
      List<Rejected> rejected,
      List<Skipped> skipped,
      Map<String, Long> counts) {}

  Report run(byte[] zip, Route.Dataset route) throws IOException {
    if (!looksLikeZip(zip)) {
      throw ApiException.badRequest(
          "NOT_A_ZIP", "the body is not a zip archive (Content-Type says application/zip)");
    }
    List<Accepted> accepted = new ArrayList<>();
    List<Rejected> rejected = new ArrayList<>();
    List<Skipped> skipped = new ArrayList<>();
    List<IngestInput> pending = new ArrayList<>();
    List<String> pendingFiles = new ArrayList<>();
    Map<String, Long> counts = null;
    long pendingDecoded = 0;
    int entries = 0;
    Inflated inflated = new Inflated();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      ZipEntry entry;
      while ((entry = in.getNextEntry()) != null) {
        if (++entries > MAX_ENTRIES) {
          throw new ApiException(
              413, "TOO_MANY_ENTRIES", "the zip has more than " + MAX_ENTRIES + " entries");
        }
        if (entry.isDirectory()) {
          continue;
        }
        String file = entry.getName();
        ZipEntryName name = ZipEntryName.of(file);
        if (name instanceof ZipEntryName.Unsafe u) {
          rejected.add(
              new Rejected(file, RejectReason.UNSAFE_PATH.name(), "UNSAFE_PATH: " + u.why()));
        } else if (name instanceof ZipEntryName.Skip s) {
          skipped.add(new Skipped(file, s.why()));
        } else {
          byte[] bytes = read(in, maxImageBytes + 1, inflated);
          if (bytes.length > maxImageBytes) {
            rejected.add(
                new Rejected(
                    file,
                    RejectReason.TOO_LARGE.name(),
                    "TOO_LARGE: more than "
                        + maxImageBytes
                        + " bytes, the limit is "
                        + maxImageBytes
                        + " bytes"));
          } else {
            // Sizes from the header, before anything is decoded (0 for what is refused first).
            long decoded = sizes.decodedBytes(bytes);
            if (!pending.isEmpty() && decoded > maxBatchDecodedBytes - pendingDecoded) {
              counts = flush(pending, pendingFiles, accepted, rejected, counts);
              pendingDecoded = 0;
            }
            pending.add(input(route, ((ZipEntryName.Image) name).baseName(), bytes));
            pendingFiles.add(file);
            pendingDecoded += decoded;
          }
        }
        // Skipped, refused and over-long entries are read to their end here, counted, rather
        // than by getNextEntry(), which would inflate any amount without telling.
        drain(in, inflated);
        if (pending.size() >= batchSize) {
          counts = flush(pending, pendingFiles, accepted, rejected, counts);
          pendingDecoded = 0;
        }
      }
    } catch (java.util.zip.ZipException e) {
      throw ApiException.badRequest(
          "BAD_ZIP",
          "the zip archive is corrupt after entry "
              + entries
              + " ("
              + e.getMessage()
              + "); "
              + accepted.size()
              + " images before it were imported");
    }
    counts = flush(pending, pendingFiles, accepted, rejected, counts);
    return new Report(
        route.dataset(),
        route.domain(),
        accepted,
        rejected,
        skipped,
        counts == null ? Map.of() : counts);
  }

  private Map<String, Long> flush(
      List<IngestInput> pending,
      List<String> files,
      List<Accepted> accepted,
      List<Rejected> rejected,
      Map<String, Long> counts) {
    if (pending.isEmpty()) {
      return counts;
    }
    BatchResult result =
        processor.process(pending, Instant.now().plus(storeWait)).awaitDurable(outputTimeout);
    for (int i = 0; i < result.outcomes().size(); i++) {
      Outcome o = result.outcomes().get(i);
      String file = files.get(i);
      if (o instanceof Outcome.Stored s) {
        accepted.add(new Accepted(file, s.key(), s.duplicate()));
        counts = s.counts();
      } else if (o instanceof Outcome.Rejected r) {
        rejected.add(new Rejected(file, r.reason().name(), r.error().describe()));
      }
    }
    pending.clear();
    files.clear();
    return counts;
  }

  private static IngestInput input(Route.Dataset route, String baseName, byte[] bytes) {
    return IngestInput.fromHttp(
        Map.of(
            Headers.PURPOSE,
            Headers.PURPOSE_DATASET,
            Headers.DATASET,
            route.dataset(),
            Headers.DOMAIN,
            route.domain(),
            Headers.FILENAME,
            baseName),
        bytes,
        Map.of()); // the route was checked once, up front
  }

  /** Bytes inflated so far from one archive. */
  private static final class Inflated {
    long total;
  }

  private byte[] read(InputStream in, long limit, Inflated inflated) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[64 * 1024];
    long total = 0;
    int n;
    while (total < limit && (n = in.read(buf, 0, (int) Math.min(buf.length, limit - total))) > 0) {
      out.write(buf, 0, n);
      total += n;
      count(inflated, n);
    }
    return out.toByteArray();
  }

  private void drain(InputStream in, Inflated inflated) throws IOException {
    byte[] buf = new byte[64 * 1024];
    int n;
    while ((n = in.read(buf)) > 0) {
      count(inflated, n);
    }
  }

  private void count(Inflated inflated, int n) {
    inflated.total += n;
    if (inflated.total > maxInflatedBytes) {
      throw new ApiException(
          413,
          "ZIP_TOO_LARGE",
          "the zip expands to more than "
              + maxInflatedBytes
              + " bytes; the import stopped there (images already imported stay)");
    }
  }

  // A local file header, or the end record of an empty archive.
  private static boolean looksLikeZip(byte[] b) {
    return b.length >= 4
        && b[0] == 'P'
        && b[1] == 'K'
        && ((b[2] == 3 && b[3] == 4) || (b[2] == 5 && b[3] == 6));
  }
}
