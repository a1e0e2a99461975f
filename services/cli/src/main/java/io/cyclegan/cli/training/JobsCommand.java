package io.cyclegan.cli.training;

import com.fasterxml.jackson.databind.JsonNode;
import io.cyclegan.cli.CliContext;
import io.cyclegan.cli.ClientCommand;
import io.cyclegan.cli.ExitCodes;
import io.cyclegan.cli.connect.ApiClient;
import io.cyclegan.cli.output.OutputOptions;
import io.cyclegan.common.messages.MessageCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Lists the jobs that have a state document in the store, or every page of {@code GET /jobs} over
 * the HTTP API.
 */
@Command(name = "jobs", mixinStandardHelpOptions = true, description = "List training jobs.")
public final class JobsCommand extends ClientCommand {

  @Mixin OutputOptions output = new OutputOptions();

  @Option(
      names = "--limit",
      defaultValue = "0",
      paramLabel = "N",
      description = "list at most N jobs (default: 0, all of them)")
  int limit;

  JobsCommand(CliContext context) {
    super(context);
  }

  @Override
  public Integer call() {
    if (limit < 0) {
      throw new IllegalArgumentException("--limit must be 0 (all) or more, was " + limit);
    }
    Optional<ApiClient> api = api();
    List<Map<String, Object>> jobs;
    if (api.isPresent()) {
      // GET /jobs, every page: {"jobs": [state documents], "next": cursor}
      jobs = new ArrayList<>();
      for (JsonNode state : api.get().getList("/jobs", "jobs", limit).orElse(List.of())) {
        @SuppressWarnings("unchecked")
        Map<String, Object> fields = MessageCodec.mapper().convertValue(state, Map.class);
        jobs.add(JobStates.row(String.valueOf(fields.get("jobId")), fields));
      }
    } else {
      jobs = new JobStates(connection().store()).rows(limit);
    }
    output.printList(
        out(), "jobs", jobs, List.of("id", "state", "place", "epoch", "step"), "no jobs");
    return ExitCodes.OK;
  }
}
