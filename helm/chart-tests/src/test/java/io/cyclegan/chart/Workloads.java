package io.cyclegan.chart;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** What a rendered service container sees: its environment, resolved through its ConfigMaps. */
final class Workloads {

  static final List<String> SERVICES = List.of("ingest", "training", "inference");

  private Workloads() {}

  /** Names of every variable set on the container, from envFrom ConfigMaps and env. */
  static Set<String> envNames(Manifests manifests, JsonNode workload) {
    JsonNode container = Manifests.container(workload);
    Set<String> names = new LinkedHashSet<>();
    for (JsonNode source : container.path("envFrom")) {
      String configMap = source.path("configMapRef").path("name").asText();
      names.addAll(Manifests.fieldNames(manifests.get("ConfigMap", configMap).path("data")));
    }
    for (JsonNode env : container.path("env")) {
      names.add(env.path("name").asText());
    }
    return names;
  }

  /** The value of one variable from the container's ConfigMaps, or null. */
  static String configValue(Manifests manifests, JsonNode workload, String name) {
    for (JsonNode source : Manifests.container(workload).path("envFrom")) {
      String configMap = source.path("configMapRef").path("name").asText();
      JsonNode value = manifests.get("ConfigMap", configMap).path("data").path(name);
      if (!value.isMissingNode()) {
        return value.asText();
      }
    }
    return null;
  }

  static JsonNode env(JsonNode workload, String name) {
    for (JsonNode env : Manifests.container(workload).path("env")) {
      if (name.equals(env.path("name").asText())) {
        return env;
      }
    }
    throw new AssertionError(name + " not in env of " + workload.path("metadata").path("name"));
  }

  /** Every secret value the manifests carry (decoded), to look for outside the Secrets. */
  static List<String> secretValues(Manifests manifests) {
    List<String> values = new ArrayList<>();
    for (JsonNode secret : manifests.ofKind("Secret")) {
      secret
          .path("data")
          .forEach(v -> values.add(new String(Base64.getDecoder().decode(v.asText()))));
      secret.path("stringData").forEach(v -> values.add(v.asText()));
    }
    return values;
  }
}
