package io.cyclegan.training.artifacts;

import io.cyclegan.common.store.ObjectInfo;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.model.checkpoint.CorruptCheckpointException;
import io.cyclegan.model.checkpoint.IncompatibleCheckpointException;
import io.cyclegan.model.train.CycleGanTrainer;
import io.cyclegan.training.job.CheckpointRef;
import io.cyclegan.training.job.JobState;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
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
   * The version's checkpoints that {@code state} does not name, written under a lower lease epoch
   * than {@code leaseEpoch} (the writer's own, under which it wrote {@code state}): an upload whose
   * run died before recording it, or one that an earlier holder wrote after losing the job. No run
   * resumes from them (they are older than the state's lease epoch), so retention deletes them too.
   */
  public List<CheckpointRef> orphans(JobState state, long leaseEpoch) {
    return store.list(JobKeys.checkpointPrefix(state.model(), state.version())).stream()
        .filter(o -> state.checkpoints().stream().noneMatch(c -> c.key().equals(o.key())))
        .filter(
            o ->
                JobKeys.CheckpointName.parse(o.key())
                    .filter(n -> n.leaseEpoch() < leaseEpoch)
                    .isPresent())
        .map(
            o -> {
              JobKeys.CheckpointName n = JobKeys.CheckpointName.parse(o.key()).orElseThrow();
              return new CheckpointRef(
                  o.key(), n.epoch(), n.stepInEpoch(), -1, o.size(), o.lastModified());
            })
        .toList();
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

  /**
   * Saves the trainer's current position under the version's prefix, in a key of the writer's lease
   * epoch ({@link JobKeys#checkpoint}).
   */
  public CheckpointRef save(CycleGanTrainer trainer, String model, String version, long leaseEpoch)
      throws IOException {
    Files.createDirectories(tmpDir);
    Path tmp = Files.createTempFile(tmpDir, "checkpoint-", ".tmp");
    try {
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp))) {
        trainer.saveCheckpoint(out);
      }
      return upload(
          tmp,
          model,
          version,
          trainer.epoch(),
          trainer.stepInEpoch(),
          trainer.globalStep(),
          leaseEpoch);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Uploads a saved checkpoint file as one object: the second half of {@link #save}. */
  public CheckpointRef upload(
      Path file,
      String model,
      String version,
      int epoch,
      int stepInEpoch,
      long globalStep,
      long leaseEpoch)
      throws IOException {
    String key = JobKeys.checkpoint(model, version, epoch, stepInEpoch, leaseEpoch);
    long bytes = Files.size(file);
    store.putFile(key, file, "application/octet-stream");
    log.info("checkpoint {} written ({} bytes)", key, bytes);
    return new CheckpointRef(key, epoch, stepInEpoch, globalStep, bytes, Instant.now());
  }

  /**
   * The checkpoints a run of the job may resume from, oldest first (the order {@link
   * #restoreNewest} wants): those {@code state} names and, after them, any of the version's
   * checkpoints written under a higher lease epoch than {@code state}'s. Such a checkpoint comes
   * from a later holder whose own state.json was overwritten by an older holder's late write (see
   * docs/reliability.md, "Why a stale write is never used"): the later holder's work wins. Its
   * {@code globalStep} is unknown until it is loaded (-1).
   */
  public List<CheckpointRef> resumeCandidates(JobState state) {
    long stateLease = state.leaseEpoch() == null ? 0 : state.leaseEpoch();
    List<CheckpointRef> named = state.checkpoints();
    List<ObjectInfo> newer =
        store.list(JobKeys.checkpointPrefix(state.model(), state.version())).stream()
            .filter(o -> JobKeys.CheckpointName.parse(o.key()).isPresent())
            .filter(o -> JobKeys.CheckpointName.parse(o.key()).get().leaseEpoch() > stateLease)
            .filter(o -> named.stream().noneMatch(c -> c.key().equals(o.key())))
            .sorted(
                Comparator.comparing(
                    o -> JobKeys.CheckpointName.parse(o.key()).orElseThrow(),
                    JobKeys.CheckpointName.ORDER))
            .toList();
    if (newer.isEmpty()) {
      return named;
    }
    log.warn(
        "job {}: state.json (lease epoch {}) is older than checkpoints of a later lease holder"
            + " ({}); resuming from those",
        state.jobId(),
        stateLease,
        newer.get(newer.size() - 1).key());
    List<CheckpointRef> all = new ArrayList<>(named);
    for (ObjectInfo o : newer) {
      JobKeys.CheckpointName n = JobKeys.CheckpointName.parse(o.key()).orElseThrow();
      all.add(
          new CheckpointRef(o.key(), n.epoch(), n.stepInEpoch(), -1, o.size(), o.lastModified()));
    }
    return all;
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
