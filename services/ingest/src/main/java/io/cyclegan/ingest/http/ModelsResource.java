package io.cyclegan.ingest.http;

import io.cyclegan.common.store.ListPage;
import io.cyclegan.common.store.Names;
import io.cyclegan.ingest.catalog.Catalog;
import io.javalin.http.Context;

/**
 * {@code GET /models}: the models in the store, a page at a time, with their latest version, read
 * by the one catalog code ({@link Catalog#models(String, int)}) the CLI uses too.
 */
final class ModelsResource implements Resource {
  private final Catalog catalog;

  ModelsResource(Catalog catalog) {
    this.catalog = catalog;
  }

  @Override
  public void register(Routes routes) {
    routes.on("GET", "/models", this::list);
  }

  // GET /models?limit=&cursor=: one delimited listing page, then each model's latest.json.
  private void list(Context ctx) {
    Paging.Request request = Paging.of(ctx);
    if (request.after() != null && !Names.isValid(request.after())) {
      throw ApiException.badRequest(
          "INVALID_CURSOR",
          "query parameter 'cursor' is not a cursor this API gave out; start again without it");
    }
    Catalog.Page<Catalog.ModelSummary> page = catalog.models(request.after(), request.limit());
    HttpApi.json(
        ctx,
        200,
        Paging.answer(
            ctx,
            "models",
            page.items(),
            new ListPage<>(page.items(), page.next()),
            request.limit()));
  }
}
