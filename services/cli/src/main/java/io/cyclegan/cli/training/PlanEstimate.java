package io.cyclegan.cli.training;

import io.cyclegan.cli.connect.Connection;
import io.cyclegan.common.messages.TrainingCommand;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.common.store.StoreException;

/** Works out a job's {@link TrainingPlan} from its start command and the dataset in the store. */
final class PlanEstimate {
  private final Connection connection;

  PlanEstimate(Connection connection) {
    this.connection = connection;
  }

  TrainingPlan forStart(TrainingCommand start) {
    int epochs = intParam(start, "epochs", TrainingParams.DEFAULT_EPOCHS);
    int decayEpochs = intParam(start, "decayEpochs", TrainingParams.DEFAULT_DECAY_EPOCHS);
    int batchSize = Math.max(1, intParam(start, "batchSize", TrainingParams.DEFAULT_BATCH_SIZE));
    return new TrainingPlan(
        epochs + decayEpochs, stepsPerEpoch(start.dataset(), batchSize), batchSize);
  }

  /** {@code null} when the store cannot say: the ETA is a nicety, not worth failing for. */
  private Long stepsPerEpoch(String dataset, int batchSize) {
    try {
      ObjectStore store = connection.store();
      long a = store.list(ObjectKeys.datasetDomainPrefix(dataset, "A")).size();
      long b = store.list(ObjectKeys.datasetDomainPrefix(dataset, "B")).size();
      long images = Math.max(a, b);
      return images == 0 ? null : (images + batchSize - 1) / batchSize;
    } catch (StoreException e) {
      return null;
    }
  }

  private static int intParam(TrainingCommand start, String key, int fallback) {
    return start.params().get(key) instanceof Number n ? n.intValue() : fallback;
  }
}
