package io.cyclegan.training.job;

import java.time.Instant;

/**
 * A checkpoint object that was written completely before this reference was recorded.
 *
 * @param key the object key under {@code models/{model}/{version}/checkpoints/}
 * @param epoch epochs completed at the checkpoint
 * @param stepInEpoch steps done in the next epoch (0 at an epoch boundary)
 * @param globalStep steps done since the start of the job
 * @param bytes the object's size
 * @param time when it was written
 */
public record CheckpointRef(
    String key, int epoch, int stepInEpoch, long globalStep, long bytes, Instant time) {}
