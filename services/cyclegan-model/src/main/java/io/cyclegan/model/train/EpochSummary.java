package io.cyclegan.model.train;

/**
 * Sent after each epoch, when the trainer's counters already point at the next epoch, so a
 * checkpoint saved from the callback resumes there.
 *
 * @param epoch 1-based number of the epoch just finished
 * @param totalEpochs epochs + decayEpochs
 * @param globalStep steps done since the start of the run
 * @param seconds wall time of the epoch
 * @param checkpointDue whether {@code checkpointEvery} (or the end of training) asks for one
 * @param last whether this was the final epoch
 */
public record EpochSummary(
    int epoch,
    int totalEpochs,
    long globalStep,
    double seconds,
    boolean checkpointDue,
    boolean last) {}
