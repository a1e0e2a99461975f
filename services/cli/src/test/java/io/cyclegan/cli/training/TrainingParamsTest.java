package io.cyclegan.cli.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class TrainingParamsTest {

  @Command
  static final class Holder {
    @Mixin TrainingParams params = new TrainingParams();
  }

  private static Map<String, Object> parse(String... args) {
    Holder holder = new Holder();
    new CommandLine(holder).parseArgs(args);
    return holder.params.toMap();
  }

  @Test
  void shouldSendNothingWhenNoParameterIsGiven() {
    assertThat(parse()).isEmpty();
  }

  @Test
  void shouldUseTheContractNamesAndJsonTypes() {
    Map<String, Object> params =
        parse(
            "--epochs",
            "5",
            "--decay-epochs",
            "5",
            "--lambda-identity",
            "0",
            "--device",
            "cpu",
            "--param",
            "futureFlag=true",
            "--param",
            "ratio=1e-3",
            "--param",
            "mode=fast");

    assertThat(params)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "epochs",
                5,
                "decayEpochs",
                5,
                "lambdaIdentity",
                0.0,
                "device",
                "cpu",
                "futureFlag",
                true,
                "ratio",
                1e-3,
                "mode",
                "fast"));
  }

  @Test
  void shouldRefuseAParameterGivenTwice() {
    assertThatThrownBy(() -> parse("--epochs", "5", "--param", "epochs=6"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'epochs' is given twice");
  }
}
