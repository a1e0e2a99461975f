package io.cyclegan.training.data;

import io.cyclegan.common.store.ObjectInfo;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.common.store.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local mirror of {@code datasets/{dataset}/{A|B}/} under {@code {cacheDir}/{dataset}/{A|B}/}.
 * Dataset objects are named by the SHA-256 of their content, so a cached file is reused only when
 * its hash still matches its name; a damaged or partial file is downloaded again, and files no
 * longer in the store are removed. With a size cap, each sync ends by evicting the least recently
 * used other datasets ({@link CacheEviction}); the dataset being synced is in use and stays.
 */
public final class DatasetCache {
  private static final Logger log = LoggerFactory.getLogger(DatasetCache.class);
  private static final Pattern CONTENT_ADDRESSED = Pattern.compile("[0-9a-f]{64}\\.[a-z]+");

  private final ObjectStore store;
  private final Path cacheDir;
  private final long maxBytes;

  public DatasetCache(ObjectStore store, Path cacheDir) {
    this(store, cacheDir, 0);
  }

  /**
   * @param maxBytes the cache's size cap ({@code CYCLEGAN_CACHE_MAX_BYTES}); 0 for none
   */
  public DatasetCache(ObjectStore store, Path cacheDir, long maxBytes) {
    this.store = store;
    this.cacheDir = cacheDir;
    this.maxBytes = maxBytes;
  }

  /** What a sync did. */
  public record Sync(List<Path> files, int downloaded, int reused) {}

  /**
   * Brings one domain up to date and returns its files in key order.
   *
   * @param stop checked between files, so a cancel does not wait for a large download
   * @throws EmptyDomainException when the store has no images for the domain
   */
  public Sync sync(String dataset, String domain, BooleanSupplier stop) {
    String prefix = ObjectKeys.datasetDomainPrefix(dataset, domain);
    List<ObjectInfo> objects = store.list(prefix);
    if (objects.isEmpty()) {
      throw new EmptyDomainException(dataset, domain, prefix);
    }
    Path dir = cacheDir.resolve(dataset).resolve(domain);
    try {
      Files.createDirectories(dir);
      CacheEviction.touch(dir.getParent());
      List<Path> files = new ArrayList<>();
      int downloaded = 0;
      for (ObjectInfo object : objects) {
        if (stop.getAsBoolean()) {
          break;
        }
        String name = object.key().substring(prefix.length()).replace('/', '_');
        Path file = dir.resolve(name);
        if (isValid(file, name, object.size())) {
          files.add(file);
          continue;
        }
        if (!store.getToFile(object.key(), file)) {
          log.warn(
              "{} was listed but is gone (deleted meanwhile); training without it", object.key());
          continue;
        }
        downloaded++;
        if (!isValid(file, name, object.size())) {
          // Not content-addressed as ingest writes it (someone put it by hand): usable, but it
          // will be fetched again next time since it cannot be verified.
          log.warn("{} does not match its name's SHA-256; using it unverified", object.key());
        }
        files.add(file);
      }
      removeStale(dir, objects.stream().map(o -> o.key().substring(prefix.length())).toList());
      log.info(
          "dataset {} domain {}: {} images, {} downloaded, {} from cache {}",
          dataset,
          domain,
          files.size(),
          downloaded,
          files.size() - downloaded,
          dir);
      CacheEviction.evict(cacheDir, maxBytes, Set.of(dataset));
      return new Sync(files, downloaded, files.size() - downloaded);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the dataset cache " + dir, e);
    }
  }

  private static boolean isValid(Path file, String name, long size) throws IOException {
    if (!Files.isRegularFile(file) || Files.size(file) != size) {
      return false;
    }
    if (!CONTENT_ADDRESSED.matcher(name).matches()) {
      return false;
    }
    return sha256(file).equals(name.substring(0, 64));
  }

  static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private static void removeStale(Path dir, List<String> names) throws IOException {
    Set<String> keep = names.stream().map(n -> n.replace('/', '_')).collect(Collectors.toSet());
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.toList()) {
        if (!keep.contains(p.getFileName().toString())) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  /** A domain of a dataset without images: the job cannot train. */
  public static final class EmptyDomainException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    EmptyDomainException(String dataset, String domain, String prefix) {
      super(
          "dataset '"
              + dataset
              + "' has no images in domain "
              + domain
              + " (nothing under "
              + prefix
              + ")");
    }
  }
}
