package io.cyclegan.ingest.http;

import io.cyclegan.common.store.ListPage;
import io.cyclegan.common.store.Names;
import io.cyclegan.ingest.catalog.Catalog;
import io.javalin.http.Context;

/**
 * {@code GET /models}: the models in the store, a page at a time, with their latest version, read
 * by the one catalog code ({@link Catalog#models(String, int)}) the CLI uses too; {@code GET
 * /models/{model}}: one of them, at the cost of one read ({@link Catalog#model(String)}).
 */
final class ModelsResource implements Resource {
  private final Catalog catalog;

  ModelsResource(Catalog catalog) {
    this.catalog = catalog;
  }

  @Override
  public void register(Routes routes) {
    routes.on("GET", "/models", this::list);
    routes.on("GET", "/models/{model}", this::one);
  }

  // GET /models/{model}: {"name", "latest"} as an item of the list, or 404.
  private void one(Context ctx) {
    String model = Params.name("model", ctx.pathParam("model"), "INVALID_MODEL");
    HttpApi.json(
        ctx,
        200,
        catalog.model(model).orElseThrow(() -> ApiException.notFound("no model '" + model + "'")));
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
