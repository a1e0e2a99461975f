package io.cyclegan.common.store;

import io.cyclegan.common.messages.OutputFormat;

/** The object layout of DESIGN.md, in one place. Every name is validated before it joins a key. */
public final class ObjectKeys {
  private ObjectKeys() {}

  /** {@code datasets/{dataset}/{A|B}/} */
  public static String datasetDomainPrefix(String dataset, String domain) {
    return "datasets/" + Names.require("dataset", dataset) + "/" + domain(domain) + "/";
  }

  /** {@code datasets/{dataset}/{A|B}/{sha256}.png}: content-addressed, so re-sending is a no-op. */
  public static String datasetImage(String dataset, String domain, String sha256) {
    if (!sha256.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("not a hex SHA-256: " + sha256);
    }
    return datasetDomainPrefix(dataset, domain) + sha256 + ".png";
  }

  /** {@code catalog/datasets/}: one summary document per dataset. */
  public static final String DATASET_SUMMARIES = "catalog/datasets/";

  /**
   * {@code catalog/datasets/{dataset}.json}: the dataset's counts as ingest keeps them, so that
   * listing datasets reads one small document per dataset instead of every image.
   */
  public static String datasetSummary(String dataset) {
    return DATASET_SUMMARIES + Names.require("dataset", dataset) + ".json";
  }

  /** {@code requests/{requestId}/}: the only place a claim check of that request may point. */
  public static String requestPrefix(String requestId) {
    return "requests/" + Names.requireRequestId(requestId) + "/";
  }

  public static String requestInput(String requestId) {
    return requestPrefix(requestId) + "input.png";
  }

  /**
   * Whether {@code key} is an object of the request: directly under {@code requests/{requestId}/},
   * one plain file name (no further {@code /}, no {@code ..}), so a forged claim check cannot make
   * the worker read a dataset image, a model or another request's input.
   */
  public static boolean isRequestObject(String requestId, String key) {
    if (!Names.isValidRequestId(requestId) || key == null) {
      return false;
    }
    String prefix = requestPrefix(requestId);
    return key.startsWith(prefix) && Names.isValidRequestId(key.substring(prefix.length()));
  }

  /** {@code results/{requestId}/output.png}: a request's output in the default format. */
  public static String resultOutput(String requestId) {
    return resultOutput(requestId, OutputFormat.png);
  }

  /** {@code results/{requestId}/output.png} or {@code output.jpg}, by the request's format. */
  public static String resultOutput(String requestId, OutputFormat format) {
    return "results/" + Names.requireRequestId(requestId) + "/" + format.fileName();
  }

  /**
   * {@code results/{requestId}/result.json}: the {@code TranslateResult} of a request, written
   * before it is published, so that the HTTP API can answer "is it done?" from the store.
   */
  public static String resultDocument(String requestId) {
    return "results/" + Names.requireRequestId(requestId) + "/result.json";
  }

  /** The file name, inside a model version's prefix, of the generators-only export. */
  public static final String GENERATORS_FILE = "generators.bin";

  /** {@code models/{model}/{version}/generators.bin}: what the inference worker loads. */
  public static String modelGenerators(String model, String version) {
    return modelVersionPrefix(model, version) + GENERATORS_FILE;
  }

  /**
   * {@code models/{model}/latest.json}: the announcement of the newest published version, a
   * single-object PUT so readers see the old pointer or the new one, never half of one.
   */
  public static String modelLatest(String model) {
    return modelPrefix(model) + "latest.json";
  }

  /** {@code models/{model}/} */
  public static String modelPrefix(String model) {
    return "models/" + Names.require("model", model) + "/";
  }

  /** {@code models/{model}/{version}/} */
  public static String modelVersionPrefix(String model, String version) {
    return modelPrefix(model) + Names.require("model version", version) + "/";
  }

  /** {@code jobs/{jobId}/} */
  public static String jobPrefix(String jobId) {
    return "jobs/" + Names.require("job id", jobId) + "/";
  }

  public static String jobState(String jobId) {
    return jobPrefix(jobId) + "state.json";
  }

  /** {@code imports/{importId}/}: the uploaded files of one model import (an import is a job). */
  public static String importPrefix(String importId) {
    return "imports/" + Names.require("import id", importId) + "/";
  }

  /**
   * {@code imports/{importId}/{name}}: one uploaded generator file of an import.
   *
   * @param name the file's name inside the import, a valid name ({@code a2b.bin}, {@code b2a.bin})
   */
  public static String importFile(String importId, String name) {
    return importPrefix(importId) + Names.require("import file", name);
  }

  private static String domain(String domain) {
    if (!"A".equals(domain) && !"B".equals(domain)) {
      throw new IllegalArgumentException("domain must be A or B, was '" + domain + "'");
    }
    return domain;
  }
}
