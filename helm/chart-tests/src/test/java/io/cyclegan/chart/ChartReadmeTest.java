package io.cyclegan.chart;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The chart's README.md (what `helm show readme` and Artifact Hub show) is the one generated from
 * values.yaml; {@code -Dchart.readme.write=true} rewrites it.
 */
class ChartReadmeTest {
  private static final Path README = Chart.CHART.resolve("README.md");

  @Test
  void shouldMatchTheReadmeGeneratedFromValuesWhenValuesChange() throws IOException {
    String generated = ChartReadme.generate(Chart.CHART);
    if (Boolean.getBoolean("chart.readme.write")) {
      Files.writeString(README, generated);
    }

    assertThat(Files.exists(README)).as("%s exists", README).isTrue();
    assertThat(Files.readString(README))
        .as(
            "helm/cyclegan-pipeline/README.md is out of date: run mvn -o -q -pl helm/chart-tests"
                + " test -Dtest=ChartReadmeTest -Dchart.readme.write=true")
        .isEqualTo(generated);
  }

  @Test
  void shouldListEveryDocumentedValueWhenGenerated() throws IOException {
    String generated = ChartReadme.generate(Chart.CHART);

    for (String line : Files.readAllLines(Chart.CHART.resolve("values.yaml"))) {
      if (line.strip().startsWith("## @param ")) {
        String key = line.strip().split(" ")[2];
        assertThat(generated).contains("| `" + key + "` |");
      }
    }
    assertThat(generated).doesNotContain("{{").contains("### Helm test");
  }
}
