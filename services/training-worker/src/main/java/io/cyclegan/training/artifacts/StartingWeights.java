package io.cyclegan.training.artifacts;

import io.cyclegan.common.messages.TrainingCommand.InitFrom;
import io.cyclegan.common.store.Names;
import io.cyclegan.common.store.ObjectInfo;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.model.CycleGanConfig;
import io.cyclegan.model.TrainingParameter;
import io.cyclegan.model.TrainingParameters;
import io.cyclegan.model.nn.NetworkSpec;
import io.cyclegan.model.train.CycleGanTrainer;
import io.cyclegan.model.train.InitialWeights;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a fine-tuning job's first weights come from: a published version named by a start command's
 * {@code initFrom}. {@link #resolve} runs when the command is accepted (it pins "the latest" to a
 * version and refuses an unknown one or another architecture, so the job fails before it starts);
 * {@link #apply} runs when the job starts fresh: the version's generators and, when it has a
 * training checkpoint, that checkpoint's discriminators (the official {@code --continue_train}).
 */
public final class StartingWeights {
  private static final Logger log = LoggerFactory.getLogger(StartingWeights.class);

  private final ObjectStore store;
  private final Path tmpDir;

  public StartingWeights(ObjectStore store, Path tmpDir) {
    this.store = store;
    this.tmpDir = tmpDir;
  }

  /**
   * The version {@code from} names, with "the latest" pinned, checked against the job's {@code
   * config}.
   *
   * @throws IllegalArgumentException naming what is wrong: an invalid name, an unknown model or
   *     version, a version with one generator only, or an architecture other than the job's
   */
  public InitFrom resolve(InitFrom from, CycleGanConfig config) {
    Names.require("initFrom.model", from.model());
    String version = from.version();
    if (version == null) {
      @SuppressWarnings("unchecked")
      Map<String, Object> latest =
          store
              .getJson(ObjectKeys.modelLatest(from.model()), Map.class)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "initFrom: no model named " + from.model() + " has been published"));
      version = String.valueOf(latest.get("version"));
    }
    Names.require("initFrom.version", version);
    String v = version;
    @SuppressWarnings("unchecked")
    Map<String, Object> published =
        store
            .getJson(JobKeys.modelConfig(from.model(), v), Map.class)
            .filter(c -> store.exists(ObjectKeys.modelGenerators(from.model(), v)))
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "initFrom: model " + from.model() + " has no version " + v));
    InitFrom resolved = new InitFrom(from.model(), v);
    requireBothDirections(resolved, published);
    List<String> differences =
        differences(published, config, newestCheckpoint(resolved).isPresent());
    if (!differences.isEmpty()) {
      throw new IllegalArgumentException(
          "initFrom: model "
              + from.model()
              + " version "
              + v
              + " has another architecture than this job's params: "
              + String.join("; ", differences));
    }
    return resolved;
  }

  /**
   * Copies the version's generators, and the discriminators of its newest training checkpoint when
   * it has one, into the trainer's networks. Everything else (Adam moments, pools, position) stays
   * fresh.
   *
   * @return whether the discriminators came from the version too (else they are fresh)
   */
  public boolean apply(CycleGanTrainer trainer, InitFrom from) throws IOException {
    Files.createDirectories(tmpDir);
    Path generators = Files.createTempFile(tmpDir, "init-generators-", ".tmp");
    Path checkpoint = Files.createTempFile(tmpDir, "init-checkpoint-", ".tmp");
    try {
      if (!store.getToFile(ObjectKeys.modelGenerators(from.model(), from.version()), generators)) {
        throw new IllegalArgumentException(
            "initFrom: model " + from.model() + " has no version " + from.version());
      }
      Optional<String> checkpointKey = newestCheckpoint(from);
      boolean withDiscriminators =
          checkpointKey.isPresent() && store.getToFile(checkpointKey.get(), checkpoint);
      try (InputStream g = new BufferedInputStream(Files.newInputStream(generators));
          InputStream d =
              withDiscriminators
                  ? new BufferedInputStream(Files.newInputStream(checkpoint))
                  : null) {
        InitialWeights.apply(trainer.model(), g, d);
      }
      log.info(
          "starting from model {} version {}: generators{}",
          from.model(),
          from.version(),
          withDiscriminators
              ? " and discriminators of " + checkpointKey.get()
              : ", fresh discriminators");
      return withDiscriminators;
    } finally {
      Files.deleteIfExists(generators);
      Files.deleteIfExists(checkpoint);
    }
  }

  /**
   * The newest checkpoint of a version, if any: of the highest lease epoch, then the furthest
   * position ({@link JobKeys#newestCheckpoint}), so never one that a worker wrote after losing the
   * job to the worker that published it.
   */
  public Optional<String> newestCheckpoint(InitFrom version) {
    String prefix = JobKeys.checkpointPrefix(version.model(), version.version());
    return JobKeys.newestCheckpoint(store.list(prefix).stream().map(ObjectInfo::key).toList());
  }

  private static void requireBothDirections(InitFrom from, Map<String, Object> published) {
    Object directions = published.get("directions");
    if (directions instanceof List<?> list && !list.containsAll(List.of("AtoB", "BtoA"))) {
      throw new IllegalArgumentException(
          "initFrom: model "
              + from.model()
              + " version "
              + from.version()
              + " has only the "
              + list
              + " generator (imported from one file); fine-tuning needs both, import --a2b and"
              + " --b2a");
    }
  }

  /**
   * The architecture params (the table's {@code ARCHITECTURE} rows) where the published version and
   * the job differ; discriminator params count only when the version has discriminators, and the
   * two ResNet names only through their blocks. A param the version's params lack held its default
   * when it was trained (they were added later).
   */
  static List<String> differences(
      Map<String, Object> published, CycleGanConfig config, boolean withDiscriminators) {
    Map<?, ?> params = published.get("params") instanceof Map<?, ?> p ? p : Map.of();
    Map<String, Object> job = config.toParams();
    List<String> out = new ArrayList<>();
    boolean bothResnets =
        config.generator().isResnet()
            && (params.get("generator") == null
                || String.valueOf(params.get("generator")).startsWith("resnet_"));
    boolean bothBasic =
        config.discriminator() != NetworkSpec.Discriminator.N_LAYERS
            && !"n_layers".equals(params.get("discriminator"));
    for (TrainingParameter p : TrainingParameters.ALL) {
      String name = p.name();
      boolean discriminatorParam = name.startsWith("discriminator") || name.equals("ndf");
      if (p.scope() != TrainingParameter.Scope.ARCHITECTURE
          || (discriminatorParam && !withDiscriminators)
          || (name.equals("generator") && bothResnets)
          || (name.equals("discriminatorLayers") && bothBasic)) {
        continue;
      }
      Object theirs = params.containsKey(name) ? params.get(name) : p.wire(p.defaultValue());
      if (theirs != null && !same(theirs, job.get(name))) {
        out.add(name + ": version " + theirs + ", job " + job.get(name));
      }
    }
    return out;
  }

  private static boolean same(Object published, Object job) {
    if (published instanceof Number a && job instanceof Number b) {
      return a.doubleValue() == b.doubleValue();
    }
    return String.valueOf(published).equals(String.valueOf(job));
  }
}
