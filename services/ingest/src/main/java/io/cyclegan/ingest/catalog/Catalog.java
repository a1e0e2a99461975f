package io.cyclegan.ingest.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.store.KeyPage;
import io.cyclegan.common.store.Names;
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
 * Reads the catalog: datasets from their summary documents ({@code catalog/datasets/}, kept by
 * {@link DatasetCounts}), a dataset's images and the models from the store. The paged reads cost
 * one list request and at most a page of small reads, whatever the number of images; {@link
 * #counts(String)} and {@link #imageKeys} list a whole dataset and are for one-off use (the CLI,
 * the first time ingest sees a dataset, the background refresh).
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

  /**
   * One page of the catalog's datasets, in name order.
   *
   * @param items the page
   * @param next the cursor of the next page (pass it as {@code after}), empty on the last page
   */
  public record Page<T>(List<T> items, Optional<String> next) {}

  /**
   * Every dataset with its counts, from the summary documents: the cost grows with the number of
   * datasets, not of images. Prefer {@link #datasets(String, int)}.
   */
  public List<DatasetSummary> datasets() {
    List<DatasetSummary> out = new ArrayList<>();
    String after = null;
    do {
      Page<DatasetSummary> page = datasets(after, ObjectStore.MAX_PAGE);
      out.addAll(page.items());
      after = page.next().orElse(null);
    } while (after != null);
    return out;
  }

  /**
   * One page of datasets with their counts: one list request and one small read per dataset of the
   * page.
   *
   * @param after the name of the last dataset of the previous page, or null for the first page
   * @param limit 1 to {@link ObjectStore#MAX_PAGE}
   */
  public Page<DatasetSummary> datasets(String after, int limit) {
    KeyPage page =
        store.listPage(
            ObjectKeys.DATASET_SUMMARIES,
            false,
            after == null ? null : ObjectKeys.datasetSummary(after),
            limit);
    List<DatasetSummary> out = new ArrayList<>();
    for (ObjectInfo o : page.objects()) {
      String file = o.key().substring(ObjectKeys.DATASET_SUMMARIES.length());
      if (!file.endsWith(".json") || !Names.isValid(file.substring(0, file.length() - 5))) {
        continue; // not written by ingest
      }
      String name = file.substring(0, file.length() - 5);
      Map<String, Long> counts = emptyCounts();
      store
          .getJson(o.key(), DatasetSummaryDocument.class)
          .filter(d -> d.counts() != null)
          .ifPresent(d -> counts.putAll(d.counts()));
      out.add(new DatasetSummary(name, counts));
    }
    return new Page<>(out, page.next().map(Catalog::datasetOfSummaryKey));
  }

  /**
   * One page of a dataset's image keys, both domains, in key order: one list request.
   *
   * @param after the last key of the previous page, or null for the first page
   * @param limit 1 to {@link ObjectStore#MAX_PAGE}
   */
  public Page<String> images(String dataset, String after, int limit) {
    String prefix = DATASETS + Names.require("dataset", dataset) + "/";
    if (after != null && !after.startsWith(prefix)) {
      throw new IllegalArgumentException("the cursor is not an image of dataset " + dataset);
    }
    KeyPage page = store.listPage(prefix, false, after, limit);
    List<String> keys = new ArrayList<>();
    for (ObjectInfo o : page.objects()) {
      if (domainOf(o.key().substring(prefix.length())).isPresent()) {
        keys.add(o.key());
      }
    }
    return new Page<>(keys, page.next());
  }

  /**
   * One page of models with their latest announcement: one delimited list request and one small
   * read per model of the page.
   *
   * @param after the name of the last model of the previous page, or null for the first page
   */
  public Page<ModelSummary> models(String after, int limit) {
    KeyPage page =
        store.listPage(
            MODELS,
            true,
            after == null ? null : MODELS + Names.require("model", after) + "0",
            limit);
    List<ModelSummary> out = new ArrayList<>();
    for (String name : page.prefixes()) {
      out.add(new ModelSummary(name, latest(name)));
    }
    String next = out.isEmpty() || page.next().isEmpty() ? null : out.get(out.size() - 1).name();
    return new Page<>(out, Optional.ofNullable(next));
  }

  /**
   * One model with its latest announcement, empty when the store holds nothing of it: one read of
   * {@code latest.json}, and only when there is none, one list request of at most one key, however
   * many models and versions the store holds.
   */
  public Optional<ModelSummary> model(String name) {
    Names.require("model", name);
    JsonNode latest = latest(name);
    if (latest != null) {
      return Optional.of(new ModelSummary(name, latest));
    }
    boolean exists = !store.listPage(MODELS + name + "/", false, null, 1).objects().isEmpty();
    return exists ? Optional.of(new ModelSummary(name, null)) : Optional.empty();
  }

  private static String datasetOfSummaryKey(String key) {
    String file = key.substring(ObjectKeys.DATASET_SUMMARIES.length());
    return file.endsWith(".json") ? file.substring(0, file.length() - 5) : file;
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
