package io.cyclegan.training.artifacts;

import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.model.checkpoint.CorruptCheckpointException;
import io.cyclegan.model.checkpoint.IncompatibleCheckpointException;
import io.cyclegan.model.train.CycleGanTrainer;
import io.cyclegan.training.job.CheckpointRef;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes and reads full training checkpoints. A checkpoint is written to a local file, uploaded as
 * one object (a single PUT, or a multipart upload that becomes visible only when complete), and
 * only then recorded in state.json by the caller: a crash at any point leaves either no reference
 * or a reference to a complete object. Reading tries the newest reference first and falls back to
 * older ones when an object is missing, cut short or damaged (the model module detects that).
 */
public final class CheckpointStore {
  private static final Logger log = LoggerFactory.getLogger(CheckpointStore.class);

  /**
   * How many checkpoints of a job are kept when nobody says ({@code CYCLEGAN_CHECKPOINTS_KEEP}).
   */
  public static final int DEFAULT_KEEP = 3;

  private final ObjectStore store;
  private final Path tmpDir;
  private final int keep;

  public CheckpointStore(ObjectStore store, Path tmpDir) {
    this(store, tmpDir, DEFAULT_KEEP);
  }

  /**
   * @param keep how many of a job's newest checkpoints are kept (at least 1: the one a resume, or a
   *     fine-tuning job starting from the published version, loads)
   */
  public CheckpointStore(ObjectStore store, Path tmpDir, int keep) {
    if (keep < 1) {
      throw new IllegalArgumentException("at least the newest checkpoint is kept, was " + keep);
    }
    this.store = store;
    this.tmpDir = tmpDir;
    this.keep = keep;
  }

  /**
   * The checkpoints of {@code refs} (oldest first, as state.json records them) beyond the newest
   * {@code keep}: the ones to forget and then delete. The newest is never among them, so neither a
   * resume nor the published version's discriminators (a fine-tuning job's start) lose theirs.
   */
  public List<CheckpointRef> beyondRetention(List<CheckpointRef> refs) {
    return refs.size() <= keep ? List.of() : List.copyOf(refs.subList(0, refs.size() - keep));
  }

  /**
   * Deletes checkpoints that state.json no longer names (the caller wrote it first, so a crash in
   * between leaves an orphaned object, never a reference to a missing one). A failure is logged and
   * left: retention is not worth failing a job over.
   */
  public void delete(List<CheckpointRef> refs) {
    for (CheckpointRef ref : refs) {
      try {
        store.delete(ref.key());
        log.info("checkpoint {} deleted (keeping the newest {})", ref.key(), keep);
      } catch (RuntimeException e) {
        log.warn(
            "checkpoint {} could not be deleted, left in the store: {}", ref.key(), e.getMessage());
      }
    }
  }

  /** Saves the trainer's current position under the version's prefix. */
  public CheckpointRef save(CycleGanTrainer trainer, String model, String version)
      throws IOException {
    String key = JobKeys.checkpoint(model, version, trainer.epoch(), trainer.stepInEpoch());
    Files.createDirectories(tmpDir);
    Path tmp = Files.createTempFile(tmpDir, "checkpoint-", ".tmp");
    try {
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp))) {
        trainer.saveCheckpoint(out);
      }
      long bytes = Files.size(tmp);
      store.putFile(key, tmp, "application/octet-stream");
      log.info("checkpoint {} written ({} bytes)", key, bytes);
      return new CheckpointRef(
          key, trainer.epoch(), trainer.stepInEpoch(), trainer.globalStep(), bytes, Instant.now());
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Loads the newest usable checkpoint of {@code refs} (oldest first) into the trainer and returns
   * it; when none is usable (each one passed over is logged with the reason) the trainer stays at
   * epoch 0.
   */
  public Optional<CheckpointRef> restoreNewest(CycleGanTrainer trainer, List<CheckpointRef> refs)
      throws IOException {
    Files.createDirectories(tmpDir);
    for (int i = refs.size() - 1; i >= 0; i--) {
      CheckpointRef ref = refs.get(i);
      Path tmp = Files.createTempFile(tmpDir, "restore-", ".tmp");
      try {
        if (!store.getToFile(ref.key(), tmp)) {
          log.warn("checkpoint {} is missing, trying the previous one", ref.key());
          continue;
        }
        try (InputStream in = new BufferedInputStream(Files.newInputStream(tmp))) {
          // The model reads the whole stream and checks it before changing anything.
          trainer.resume(in);
          log.info("resumed from {} (epoch {}, step {})", ref.key(), ref.epoch(), ref.globalStep());
          return Optional.of(ref);
        } catch (CorruptCheckpointException | IncompatibleCheckpointException e) {
          log.warn(
              "checkpoint {} is unusable ({}), trying the previous one", ref.key(), e.getMessage());
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
    if (!refs.isEmpty()) {
      log.warn("no usable checkpoint among {}; starting from epoch 0", refs.size());
    }
    return Optional.empty();
  }
}
