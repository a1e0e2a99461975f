package io.cyclegan.training.report;

import java.util.List;

/**
 * One line of {@code losses.csv}: the losses read at one step.
 *
 * @param epoch 1-based epoch the step belongs to
 * @param stepInEpoch 1-based step within the epoch
 * @param globalStep steps since the start of the job
 * @param losses the eight terms in {@code TrainingEvent.LOSS_TERMS} order
 * @param imagesPerSecond throughput since the previous row
 * @param learningRate the epoch's rate
 */
public record LossRow(
    int epoch,
    int stepInEpoch,
    long globalStep,
    List<Double> losses,
    double imagesPerSecond,
    double learningRate) {

  public LossRow {
    losses = List.copyOf(losses);
  }
}
