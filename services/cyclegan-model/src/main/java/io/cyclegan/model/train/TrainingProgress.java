package io.cyclegan.model.train;

/**
 * A progress report, sent each time losses are read from the device.
 *
 * @param epoch 1-based epoch, as the reference prints it
 * @param totalEpochs epochs + decayEpochs
 * @param stepInEpoch steps done in this epoch (1-based index of the step just done)
 * @param stepsPerEpoch steps in an epoch
 * @param globalStep steps done since the start of the run (including before a resume)
 * @param losses the losses of the step just done
 * @param imagesPerSecond A images trained per second since the previous report
 * @param learningRate the rate of this epoch
 */
public record TrainingProgress(
    int epoch,
    int totalEpochs,
    int stepInEpoch,
    int stepsPerEpoch,
    long globalStep,
    LossValues losses,
    double imagesPerSecond,
    double learningRate) {}
