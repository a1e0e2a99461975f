package io.cyclegan.cli.training;

import com.fasterxml.jackson.core.type.TypeReference;
import io.cyclegan.cli.CliContext;
import io.cyclegan.cli.ClientCommand;
import io.cyclegan.cli.ExitCodes;
import io.cyclegan.cli.connect.ApiClient;
import io.cyclegan.cli.listing.ApiPages;
import io.cyclegan.cli.listing.Cursor;
import io.cyclegan.cli.listing.Listing;
import io.cyclegan.cli.listing.PageOptions;
import io.cyclegan.cli.listing.PageSource;
import io.cyclegan.cli.output.OutputOptions;
import io.cyclegan.common.messages.MessageCodec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Lists the jobs that have a state document in the store, a page at a time: one page of job ids
 * from the store and only their state documents ({@link JobStates#page}), or one page of {@code GET
 * /jobs} over the HTTP API.
 */
@Command(
    name = "jobs",
    mixinStandardHelpOptions = true,
    description = "List training jobs, a page at a time.")
public final class JobsCommand extends ClientCommand {
  private static final Listing LISTING =
      new Listing(
          "jobs",
          List.of("id", "state", "place", "epoch", "step"),
          "cyclegan jobs",
          Cursor.name("a job id"));
  private static final TypeReference<Map<String, Object>> FIELDS = new TypeReference<>() {};

  @Mixin OutputOptions output = new OutputOptions();

  @Mixin PageOptions paging = new PageOptions();

  JobsCommand(CliContext context) {
    super(context);
  }

  @Override
  public Integer call() {
    Optional<ApiClient> api = api();
    PageSource source =
        api.isPresent()
            // GET /jobs: {"jobs": [state documents], "next": cursor}
            ? new ApiPages(
                api.get(),
                "/jobs",
                "jobs",
                state -> {
                  Map<String, Object> fields = MessageCodec.mapper().convertValue(state, FIELDS);
                  return Optional.of(JobStates.apiRow(fields));
                })
            : new JobStates(connection().store())::page;
    LISTING.run(paging, output, out(), err(), source);
    return ExitCodes.OK;
  }
}
