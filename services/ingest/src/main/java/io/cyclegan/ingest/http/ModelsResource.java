package io.cyclegan.ingest.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.store.ListPage;
import io.cyclegan.common.store.Names;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.ingest.catalog.Catalog;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code GET /models}: the models in the store, a page at a time, with their latest version. */
final class ModelsResource implements Resource {
  private static final Logger log = LoggerFactory.getLogger(ModelsResource.class);
  private static final String MODELS = "models/";

  private final ObjectStore store;

  ModelsResource(ObjectStore store) {
    this.store = store;
  }

  @Override
  public void register(Routes routes) {
    routes.on("GET", "/models", this::list);
  }

  // GET /models?limit=&cursor=: one delimited listing page, then each model's latest.json.
  private void list(Context ctx) {
    Paging.Request request = Paging.of(ctx);
    ListPage<String> page = store.listPrefixesPage(MODELS, request.after(), request.limit());
    List<Catalog.ModelSummary> items = new ArrayList<>();
    for (String name : page.items()) {
      items.add(new Catalog.ModelSummary(name, latest(name)));
    }
    HttpApi.json(ctx, 200, Paging.answer(ctx, "models", items, page, request.limit()));
  }

  /** The announcement of the newest version, or null before the first (or when unreadable). */
  private JsonNode latest(String model) {
    if (!Names.isValid(model)) {
      return null; // an object written outside the pipeline's naming rule
    }
    String key = ObjectKeys.modelLatest(model);
    Optional<byte[]> bytes = store.get(key);
    if (bytes.isEmpty()) {
      return null;
    }
    try {
      return MessageCodec.mapper().readTree(bytes.get());
    } catch (IOException e) {
      log.warn("{} is not valid JSON, listing model {} without it: {}", key, model, e.getMessage());
      return null;
    }
  }
}
