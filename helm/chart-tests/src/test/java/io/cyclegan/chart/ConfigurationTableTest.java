package io.cyclegan.chart;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The chart sets exactly the variables of docs/configuration.md, for every values set. */
class ConfigurationTableTest {

  private static final ConfigurationTable TABLE = ConfigurationTable.read();

  static Stream<Arguments> servicesAndValues() {
    return Stream.of(
            null,
            "gpu-values.yaml",
            "existing-secret-values.yaml",
            "keda-values.yaml",
            "production-values.yaml")
        .flatMap(
            values -> Workloads.SERVICES.stream().map(service -> Arguments.of(service, values)));
  }

  @ParameterizedTest(name = "{0} with {1}")
  @MethodSource("servicesAndValues")
  void shouldSetExactlyTheDocumentedVariablesWhenRendered(String service, String values) {
    Manifests manifests = Chart.render(values);
    Set<String> rendered =
        new TreeSet<>(Workloads.envNames(manifests, manifests.workload(service)));
    rendered.removeAll(ConfigurationTable.IMAGE_VARIABLES);
    rendered.removeIf(name -> TABLE.wildcardPrefixes().stream().anyMatch(name::startsWith));
    Set<String> documented = new TreeSet<>(TABLE.variablesOf(service));
    documented.removeIf(name -> TABLE.wildcardPrefixes().stream().anyMatch(name::startsWith));

    assertThat(rendered)
        .as("variables of %s (docs/configuration.md is the source of truth)", service)
        .containsExactlyElementsOf(documented);
  }

  @ParameterizedTest(name = "{0} with {1}")
  @MethodSource("servicesAndValues")
  void shouldSetKafkaBootstrapServersWhenRendered(String service, String values) {
    Manifests manifests = Chart.render(values);

    assertThat(Workloads.envNames(manifests, manifests.workload(service)))
        .contains("KAFKA_BOOTSTRAP_SERVERS");
  }
}
