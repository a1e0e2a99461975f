package io.cyclegan.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The chart sets exactly the variables of docs/configuration.md, for every values set. */
class ConfigurationTableTest {

  private static final ConfigurationTable TABLE = ConfigurationTable.read();
  private static final String INSTANCE_ID = "CYCLEGAN_INSTANCE_ID";

  static Stream<Arguments> servicesAndValues() {
    return Chart.valuesSets()
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
    // Set only where pod names are stable (see shouldSetTheInstanceIdOnlyWhereNamesAreStable).
    rendered.remove(INSTANCE_ID);
    // Set only for the credential source and TLS chosen (S3CredentialValuesTest).
    rendered.removeAll(TABLE.section("S3 credential sources"));
    documented.remove(INSTANCE_ID);

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

  @ParameterizedTest(name = "{0} with {1}: {2}")
  @CsvSource({
    "training, , true",
    "ingest, , false",
    "inference, , false",
    "ingest, production-values.yaml, true",
    "inference, production-values.yaml, false"
  })
  void shouldSetTheInstanceIdOnlyWhereNamesAreStable(
      String service, String values, boolean expected) {
    Manifests manifests = Chart.render(values);
    JsonNode workload = manifests.workload(service);

    assertThat(TABLE.variablesOf(service)).contains(INSTANCE_ID);
    assertThat(Workloads.envNames(manifests, workload).contains(INSTANCE_ID)).isEqualTo(expected);
    if (expected) {
      assertThat(Workloads.env(workload, INSTANCE_ID).at("/valueFrom/fieldRef/fieldPath").asText())
          .isEqualTo("metadata.name");
    }
  }
}
