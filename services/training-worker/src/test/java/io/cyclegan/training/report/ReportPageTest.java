package io.cyclegan.training.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReportPageTest {

  @Test
  void shouldDrawCurvesAndLinkSamplesRelativelyWhenRendered() {
    List<LossRow> rows =
        List.of(
            new LossRow(1, 2, 2, List.of(1.0, 2.0, 3.0, 4.0, 1.0, 2.0, 3.0, 4.0), 5, 2e-4),
            new LossRow(1, 4, 4, List.of(0.5, 1.5, 2.5, 3.5, 0.5, 1.5, 2.5, 3.5), 5, 2e-4));
    String html = ReportPage.render("Job <j1>", "running", rows, List.of(1, 2));
    assertThat(html).startsWith("<!DOCTYPE html>").endsWith("</html>\n");
    assertThat(html).contains("Job &lt;j1&gt;").doesNotContain("<j1>");
    assertThat(html.split("<svg", -1)).hasSize(5);
    assertThat(html.split("<polyline", -1)).hasSize(9);
    assertThat(html)
        .contains("src=\"samples/epoch-1.png\"", "src=\"samples/epoch-2.png\"", "cycle_A", "idt_B")
        .doesNotContain("<script", "src=\"http", "href=\"http");
  }

  @Test
  void shouldRenderEmptyChartsWhenNoLossWasReadYet() {
    String html = ReportPage.render("j", "accepted", List.of(), List.of());
    assertThat(html).contains("<svg").doesNotContain("<polyline").doesNotContain("<img");
  }
}
