package io.cyclegan.training.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the training cache under a size cap by deleting whole datasets, least recently used first.
 * A dataset's last use is the time of its {@value #MARKER} file, touched by every sync; a dataset
 * in use (the one a job is syncing or training on) is never deleted, even when it alone is over the
 * cap. Folders whose names start with a dot ({@code .tmp}) are not datasets and are left alone.
 */
public final class CacheEviction {
  private static final Logger log = LoggerFactory.getLogger(CacheEviction.class);

  /** The file whose modification time says when a dataset was last used. */
  public static final String MARKER = ".last-used";

  private CacheEviction() {}

  /** Records that {@code datasetDir} is being used now. */
  public static void touch(Path datasetDir) throws IOException {
    Path marker = datasetDir.resolve(MARKER);
    if (!Files.exists(marker)) {
      Files.createFile(marker);
    }
    Files.setLastModifiedTime(marker, FileTime.fromMillis(System.currentTimeMillis()));
  }

  /** What an eviction did. */
  public record Result(long bytesBefore, long bytesAfter, List<String> evicted) {}

  /**
   * Deletes least recently used datasets under {@code cacheDir} until it holds at most {@code
   * maxBytes}, never one of {@code inUse}.
   *
   * @param maxBytes the cap; 0 or less means no cap
   */
  public static Result evict(Path cacheDir, long maxBytes, Set<String> inUse) {
    try {
      List<Entry> entries = entries(cacheDir);
      long total = entries.stream().mapToLong(Entry::bytes).sum();
      long before = total;
      List<String> evicted = new ArrayList<>();
      if (maxBytes > 0) {
        entries.sort(Comparator.comparing(Entry::lastUsed));
        for (Entry e : entries) {
          if (total <= maxBytes) {
            break;
          }
          if (inUse.contains(e.name())) {
            continue;
          }
          deleteTree(e.dir());
          total -= e.bytes();
          evicted.add(e.name());
          log.info(
              "training cache over {} bytes: evicted dataset {} ({} bytes, last used {})",
              maxBytes,
              e.name(),
              e.bytes(),
              e.lastUsed());
        }
        if (total > maxBytes) {
          log.warn(
              "training cache holds {} bytes, over its cap of {}, in datasets in use {}",
              total,
              maxBytes,
              inUse);
        }
      }
      return new Result(before, total, evicted);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot size the training cache " + cacheDir, e);
    }
  }

  private record Entry(String name, Path dir, long bytes, FileTime lastUsed) {}

  private static List<Entry> entries(Path cacheDir) throws IOException {
    List<Entry> out = new ArrayList<>();
    if (!Files.isDirectory(cacheDir)) {
      return out;
    }
    try (Stream<Path> s = Files.list(cacheDir)) {
      for (Path dir : s.toList()) {
        String name = dir.getFileName().toString();
        if (name.startsWith(".") || !Files.isDirectory(dir)) {
          continue;
        }
        Path marker = dir.resolve(MARKER);
        FileTime used =
            Files.exists(marker)
                ? Files.getLastModifiedTime(marker)
                : Files.getLastModifiedTime(dir);
        out.add(new Entry(name, dir, size(dir), used));
      }
    }
    return out;
  }

  private static long size(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile)
          .mapToLong(
              p -> {
                try {
                  return Files.size(p);
                } catch (IOException e) {
                  return 0; // deleted meanwhile
                }
              })
          .sum();
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        try {
          Files.deleteIfExists(p);
        } catch (NoSuchFileException | DirectoryNotEmptyException e) {
          // deleted or refilled meanwhile: what is left is counted next time
        }
      }
    }
  }
}
