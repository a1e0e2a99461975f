package io.cyclegan.cli.training;

import io.cyclegan.cli.connect.Connection;
import io.cyclegan.common.messages.TrainingCommand;
import io.cyclegan.common.store.StoreException;
import io.cyclegan.ingest.catalog.Catalog;
import io.cyclegan.model.CycleGanConfig;
import java.util.Map;

/** Works out a job's {@link TrainingPlan} from its start command and the dataset in the store. */
final class PlanEstimate {
  private final Connection connection;

  PlanEstimate(Connection connection) {
    this.connection = connection;
  }

  TrainingPlan forStart(TrainingCommand start) {
    CycleGanConfig config;
    try {
      config = CycleGanConfig.fromParams(start.params()); // the worker's own defaults and checks
    } catch (IllegalArgumentException e) {
      return TrainingPlan.UNKNOWN; // the worker will refuse the job and say why
    }
    return new TrainingPlan(
        config.epochs() + config.decayEpochs(),
        stepsPerEpoch(start.dataset(), config.batchSize()),
        config.batchSize());
  }

  /** {@code null} when the store cannot say: the ETA is a nicety, not worth failing for. */
  private Long stepsPerEpoch(String dataset, int batchSize) {
    try {
      Map<String, Long> counts = new Catalog(connection.store()).counts(dataset);
      long images = Math.max(counts.get("A"), counts.get("B"));
      return images == 0 ? null : (images + batchSize - 1) / batchSize;
    } catch (StoreException e) {
      return null;
    }
  }
}
