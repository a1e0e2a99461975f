package io.cyclegan.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.cyclegan.cli.CliContext;
import io.cyclegan.cli.CycleganCli;
import io.cyclegan.common.config.Env;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code cyclegan demo} end to end on its own local stack and the real services: the synthetic set
 * goes in over Kafka, a training command trains a model, held-out images come back translated, and
 * the model beats the identity baseline. Fewer epochs than the default (400 steps), which the model
 * module's learning test shows is enough.
 */
class DemoIT {

  @Test
  void shouldTrainATranslatorThatBeatsTheIdentityBaseline(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("demo-out");
    CommandLine cli = CycleganCli.commandLine(new CliContext(new Env(Map.of()), false));
    StringWriter text = new StringWriter();
    cli.setOut(new PrintWriter(text, true));
    cli.setErr(new PrintWriter(text, true));

    int rc =
        cli.execute(
            "demo",
            "--out",
            out.toString(),
            "--epochs",
            "1",
            "--decay-epochs",
            "1",
            "--test-images",
            "8");

    assertThat(rc).as(text.toString()).isZero();
    assertThat(Files.readString(out.resolve("summary.json"))).contains("\"beatsBaseline\":true");
    assertThat(text.toString()).contains("the model beats the identity baseline");
    // A step this small trains faster on one libtorch thread than on several, and the job says so.
    assertThat(text.toString()).containsPattern("started .* on cpu\\(\\) with 1 libtorch intra-op");
    BufferedImage grid = ImageIO.read(out.resolve("grid.png").toFile());
    assertThat(grid.getWidth()).isEqualTo(3 * grid.getHeight() / 8);
    assertThat(Files.list(out.resolve("outputs")).count()).isEqualTo(8);
    assertThat(Files.readString(out.resolve("report/report.html"))).contains("<svg");
    assertThat(out.resolve("report/losses.csv")).exists();
  }
}
