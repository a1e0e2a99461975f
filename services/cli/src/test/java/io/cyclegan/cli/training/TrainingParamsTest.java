package io.cyclegan.cli.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cyclegan.cli.CliContext;
import io.cyclegan.cli.CycleganCli;
import io.cyclegan.common.config.Env;
import io.cyclegan.model.TrainingParameter;
import io.cyclegan.model.TrainingParameters;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class TrainingParamsTest {

  @Command(modelTransformer = TrainingParams.Options.class)
  static final class Holder {
    @Mixin(name = TrainingParams.MIXIN_NAME)
    TrainingParams params = new TrainingParams();
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
  void shouldOfferAnOptionForEveryTableParameter() {
    CommandLine cli = new CommandLine(new Holder());
    for (TrainingParameter p : TrainingParameters.ALL) {
      assertThat(cli.getCommandSpec().findOption(TrainingParams.optionName(p.name())))
          .as(p.name())
          .isNotNull();
    }
    assertThat(cli.getUsageMessage())
        .contains("--gan-mode=lsgan|vanilla")
        .contains("(default: lsgan)")
        .contains("--lr=X")
        .contains("(default: 0.0002)")
        .contains("--load-size=N")
        .contains("286/256 of imageSize");
    assertThat(TrainingParams.optionName("decayEpochs")).isEqualTo("--decay-epochs");
    assertThat(TrainingParams.optionName("lrDecayIters")).isEqualTo("--lr-decay-iters");
  }

  @Test
  void shouldSendChoicesAndBooleansAsTheContractSpellsThem() {
    assertThat(parse("--gan-mode", "vanilla", "--flip", "false", "--seed", "7", "--lr", "1e-3"))
        .containsExactly(
            Map.entry("lr", 1e-3),
            Map.entry("seed", 7L),
            Map.entry("ganMode", "vanilla"),
            Map.entry("flip", false));
  }

  @Test
  void shouldOfferTheOptionsOnTheTrainCommand() {
    CommandLine cli =
        CycleganCli.commandLine(new CliContext(new Env(Map.of()), false))
            .getSubcommands()
            .get("train");
    assertThat(cli.getCommandSpec().findOption("--preprocess")).isNotNull();
    assertThat(cli.getCommandSpec().findOption("--epochs")).isNotNull();
  }

  @Test
  void shouldRefuseAParameterGivenTwice() {
    assertThatThrownBy(() -> parse("--epochs", "5", "--param", "epochs=6"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'epochs' is given twice");
  }
}
