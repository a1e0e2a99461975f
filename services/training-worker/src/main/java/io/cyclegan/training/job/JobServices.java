package io.cyclegan.training.job;

import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.training.artifacts.CheckpointStore;
import io.cyclegan.training.artifacts.ModelPublisher;
import io.cyclegan.training.artifacts.StartingWeights;
import io.cyclegan.training.data.DatasetCache;
import io.cyclegan.training.metrics.TrainingMetrics;
import java.util.function.Predicate;

/**
 * What every job run uses, built once by the worker.
 *
 * @param startingWeights a fine-tuning job's first weights (its {@code initFrom})
 * @param cancelRequested whether a cancel command for the job arrived after its start
 * @param progressEverySteps progress events (and loss reads) every this many steps
 * @param workerId the instance id written into state.json
 * @param attempts counts the runs of each job, to fail one that keeps killing its worker
 */
public record JobServices(
    ObjectStore store,
    JobStore jobs,
    JobEvents events,
    DatasetCache datasets,
    CheckpointStore checkpoints,
    StartingWeights startingWeights,
    ModelPublisher publisher,
    TrainingMetrics metrics,
    Predicate<JobSpec> cancelRequested,
    int progressEverySteps,
    String workerId,
    Attempts attempts) {}
