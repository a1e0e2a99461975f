package io.cyclegan.ingest.catalog;

import java.time.Instant;
import java.util.Map;

/**
 * {@code catalog/datasets/{dataset}.json}: a dataset's image counts as ingest keeps them.
 *
 * @param schema {@link #SCHEMA}
 * @param dataset the dataset's name
 * @param counts images per domain, {@code A} and {@code B}
 * @param updated when the counts were last changed or checked against a listing
 * @param listed when the counts were last derived from a listing of the dataset (a full count)
 */
public record DatasetSummaryDocument(
    String schema, String dataset, Map<String, Long> counts, Instant updated, Instant listed) {
  public static final String SCHEMA = "cyclegan.dataset.summary/v1";
}
