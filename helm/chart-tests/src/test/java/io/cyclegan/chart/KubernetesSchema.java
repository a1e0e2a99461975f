package io.cyclegan.chart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks rendered manifests against the Kubernetes API types, offline, where {@code kubectl apply
 * --dry-run} cannot run (it needs an API server even in client mode). Each document of a built-in
 * kind is read into the fabric8 model of its apiVersion and kind; a field the API does not have (a
 * typo, a field at the wrong level) lands in the model's {@code additionalProperties} and is
 * reported with its path, and a value of the wrong type fails the read. Custom resources (Strimzi,
 * KEDA, Prometheus Operator) have no model here and are only listed.
 */
final class KubernetesSchema {
  /** The custom resource kinds (group/kind) the chart may render; their schemas are not checked. */
  static final Set<String> CUSTOM_KINDS =
      Set.of(
          "kafka.strimzi.io/KafkaTopic",
          "keda.sh/ScaledObject",
          "monitoring.coreos.com/ServiceMonitor",
          "monitoring.coreos.com/PrometheusRule");

  private static final Map<String, Class<?>> BUILT_IN =
      Map.ofEntries(
          Map.entry("v1/ConfigMap", ConfigMap.class),
          Map.entry("v1/Secret", Secret.class),
          Map.entry("v1/Service", Service.class),
          Map.entry("v1/ServiceAccount", ServiceAccount.class),
          Map.entry("apps/v1/Deployment", Deployment.class),
          Map.entry("apps/v1/StatefulSet", StatefulSet.class),
          Map.entry("batch/v1/Job", Job.class),
          Map.entry("autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class),
          Map.entry("networking.k8s.io/v1/Ingress", Ingress.class),
          Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
          Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class));

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private KubernetesSchema() {}

  /** What is wrong with one document, each with its path; empty when it fits the API. */
  static List<String> problems(JsonNode document) {
    String type = document.path("apiVersion").asText() + "/" + document.path("kind").asText();
    String name = type + " " + document.path("metadata").path("name").asText();
    List<String> problems = new ArrayList<>();
    String apiVersion = document.path("apiVersion").asText();
    String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
    if (CUSTOM_KINDS.contains(group + "/" + document.path("kind").asText())) {
      return problems;
    }
    Class<?> model = BUILT_IN.get(type);
    if (model == null) {
      problems.add(name + ": no model for this apiVersion/kind (a removed or unknown API?)");
      return problems;
    }
    Object resource;
    try {
      resource = MAPPER.treeToValue(document, model);
    } catch (Exception e) {
      problems.add(name + ": does not fit the API type: " + e.getMessage());
      return problems;
    }
    walk(resource, name, problems);
    return problems;
  }

  private static void walk(Object value, String path, List<String> problems) {
    if (value == null) {
      return;
    }
    if (value instanceof Collection<?> items) {
      int i = 0;
      for (Object item : items) {
        walk(item, path + "[" + i++ + "]", problems);
      }
      return;
    }
    if (value instanceof Map<?, ?> map) {
      map.forEach((k, v) -> walk(v, path + "." + k, problems));
      return;
    }
    if (!value.getClass().getName().startsWith("io.fabric8.")) {
      return;
    }
    for (Method getter : value.getClass().getMethods()) {
      if (getter.getParameterCount() != 0
          || Modifier.isStatic(getter.getModifiers())
          || !getter.getName().startsWith("get")
          || !getter.getDeclaringClass().getName().startsWith("io.fabric8.")) {
        continue;
      }
      Object field = invoke(getter, value);
      if (getter.getName().equals("getAdditionalProperties")) {
        if (field instanceof Map<?, ?> extra && !extra.isEmpty()) {
          problems.add(path + ": fields the API does not have: " + extra.keySet());
        }
        continue;
      }
      String property = getter.getName().substring(3);
      walk(
          field,
          path + "." + Character.toLowerCase(property.charAt(0)) + property.substring(1),
          problems);
    }
  }

  private static Object invoke(Method getter, Object target) {
    try {
      return getter.invoke(target);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot read " + getter, e);
    }
  }
}
