package io.cyclegan.ingest.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.store.ObjectInfo;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.common.store.ObjectStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts and lists what lies in the store under {@code datasets/} and {@code models/}. The store is
 * the source of truth: counts come from listings, not from a counter that could drift.
 */
public final class Catalog {
  private static final Logger log = LoggerFactory.getLogger(Catalog.class);
  private static final String DATASETS = "datasets/";
  private static final String MODELS = "models/";

  private final ObjectStore store;

  public Catalog(ObjectStore store) {
    this.store = store;
  }

  /** A dataset and its number of images per domain. */
  public record DatasetSummary(String name, Map<String, Long> counts) {}

  /**
   * A model and the announcement of its newest version ({@code models/{m}/latest.json}), or {@code
   * null} before the first version is published.
   */
  public record ModelSummary(String name, JsonNode latest) {}

  /** Images per domain of one dataset, {@code A} and {@code B} always present, from one listing. */
  public Map<String, Long> counts(String dataset) {
    return counts(dataset, imageKeys(dataset));
  }

  /** The keys of one dataset's images (both domains), from one listing. */
  public Set<String> imageKeys(String dataset) {
    String prefix = DATASETS + dataset + "/";
    Set<String> keys = new TreeSet<>();
    for (ObjectInfo o : store.list(prefix)) {
      if (domainOf(o.key().substring(prefix.length())).isPresent()) {
        keys.add(o.key());
      }
    }
    return keys;
  }

  /**
   * Images per domain among {@code keys} of {@code dataset}, {@code A} and {@code B} always
   * present.
   */
  public static Map<String, Long> counts(String dataset, Collection<String> keys) {
    String prefix = DATASETS + dataset + "/";
    Map<String, Long> counts = emptyCounts();
    for (String key : keys) {
      if (key.startsWith(prefix)) {
        domainOf(key.substring(prefix.length())).ifPresent(d -> counts.merge(d, 1L, Long::sum));
      }
    }
    return counts;
  }

  /** Every dataset with its counts, from one listing of {@code datasets/}. */
  public List<DatasetSummary> datasets() {
    Map<String, Map<String, Long>> byName = new TreeMap<>();
    for (ObjectInfo o : store.list(DATASETS)) {
      String rest = o.key().substring(DATASETS.length());
      int slash = rest.indexOf('/');
      if (slash <= 0) {
        continue;
      }
      String name = rest.substring(0, slash);
      Map<String, Long> counts = byName.computeIfAbsent(name, n -> emptyCounts());
      domainOf(rest.substring(slash + 1)).ifPresent(d -> counts.merge(d, 1L, Long::sum));
    }
    List<DatasetSummary> out = new ArrayList<>();
    byName.forEach((name, counts) -> out.add(new DatasetSummary(name, counts)));
    return out;
  }

  /** Every model that has objects in the store, with its latest announcement when present. */
  public List<ModelSummary> models() {
    List<ModelSummary> out = new ArrayList<>();
    for (String name : store.listPrefixes(MODELS)) {
      out.add(new ModelSummary(name, latest(name)));
    }
    return out;
  }

  private JsonNode latest(String model) {
    String key;
    try {
      key = ObjectKeys.modelLatest(model);
    } catch (IllegalArgumentException e) {
      return null; // an object written outside the pipeline's naming rule
    }
    Optional<byte[]> bytes = store.get(key);
    if (bytes.isEmpty()) {
      return null;
    }
    try {
      return MessageCodec.mapper().readTree(bytes.get());
    } catch (IOException e) {
      log.warn("{} is not valid JSON, listing model {} without it: {}", key, model, e.getMessage());
      return null;
    }
  }

  /** {@code A} or {@code B} for {@code A/<sha>.png} or {@code B/<sha>.png}, else empty. */
  private static Optional<String> domainOf(String rest) {
    if ((rest.startsWith("A/") || rest.startsWith("B/"))
        && rest.endsWith(".png")
        && rest.indexOf('/', 2) < 0) {
      return Optional.of(rest.substring(0, 1));
    }
    return Optional.empty();
  }

  private static Map<String, Long> emptyCounts() {
    Map<String, Long> counts = new TreeMap<>();
    counts.put("A", 0L);
    counts.put("B", 0L);
    return counts;
  }
}
