package io.cyclegan.ingest.http;

import io.cyclegan.common.messages.Headers;
import io.cyclegan.common.store.ListPage;
import io.cyclegan.common.store.ObjectInfo;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.common.trace.TraceContext;
import io.cyclegan.ingest.catalog.Catalog;
import io.cyclegan.ingest.routing.IngestInput;
import io.cyclegan.ingest.routing.IngestProcessor;
import io.cyclegan.ingest.routing.Outcome;
import io.cyclegan.ingest.routing.RejectedInputException;
import io.cyclegan.ingest.routing.Route;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /datasets}: the datasets with their counts, one domain's images, and uploads (one image,
 * or a zip of images) that go through the same processor as records on {@code cyclegan.images.in}.
 */
final class DatasetsResource implements Resource {
  private static final int ZIP_BATCH = 16;

  /** How the upload's path gives the routing headers, for its errors. */
  private static final Map<String, String> PATH =
      Map.of(
          Headers.DATASET, "path segment {dataset}",
          Headers.DOMAIN, "path segment {domain}");

  private static final String DATASETS = "datasets/";

  private final IngestProcessor processor;
  private final ObjectStore store;
  private final Catalog catalog;
  private final Bodies bodies;
  private final long maxUploadBytes;
  private final ZipImport zipImport;
  private final Uploads uploads;

  DatasetsResource(
      IngestProcessor processor,
      ObjectStore store,
      Catalog catalog,
      Bodies bodies,
      long maxUploadBytes,
      long maxImageBytes,
      long maxBatchDecodedBytes,
      Duration requestTimeout) {
    this.processor = processor;
    this.store = store;
    this.catalog = catalog;
    this.bodies = bodies;
    this.maxUploadBytes = maxUploadBytes;
    this.uploads = new Uploads(processor, requestTimeout);
    // Images barely compress, so a real archive expands to little more than its own size.
    this.zipImport =
        new ZipImport(
            processor,
            maxImageBytes,
            4 * maxUploadBytes,
            ZIP_BATCH,
            maxBatchDecodedBytes,
            uploads.storeWait(),
            requestTimeout);
  }

  @Override
  public void register(Routes routes) {
    routes.on("GET", "/datasets", this::list);
    routes.on("GET", "/datasets/{dataset}/{domain}", this::images);
    routes.on("POST", "/datasets/{dataset}/{domain}", this::upload);
  }

  // GET /datasets?limit=&cursor=: one listing page of the summaries ingest keeps as images arrive
  // (catalog/datasets/), one small read each: the cost does not grow with the datasets' sizes.
  private void list(Context ctx) {
    Paging.Request request = Paging.of(ctx);
    Catalog.Page<Catalog.DatasetSummary> page = catalog.datasets(request.after(), request.limit());
    ListPage<Catalog.DatasetSummary> listed = new ListPage<>(page.items(), page.next());
    HttpApi.json(ctx, 200, Paging.answer(ctx, "datasets", page.items(), listed, request.limit()));
  }

  // GET /datasets/{name}/{A|B}?limit=&cursor=: the domain's images, one listing page.
  private void images(Context ctx) {
    String dataset = ctx.pathParam("dataset");
    String domain = ctx.pathParam("domain");
    Params.name("dataset", dataset, "INVALID_DATASET");
    if (!domain.equals("A") && !domain.equals("B")) {
      throw ApiException.badRequest("INVALID_DOMAIN", "the domain must be A or B (in the path)");
    }
    String prefix = ObjectKeys.datasetDomainPrefix(dataset, domain);
    Paging.Request request = Paging.of(ctx);
    String after = request.after() == null ? null : prefix + request.after();
    ListPage<ObjectInfo> page = store.listPage(prefix, after, request.limit());
    List<Map<String, Object>> items =
        page.items().stream()
            .map(
                o -> {
                  Map<String, Object> item = new LinkedHashMap<>();
                  String file = o.key().substring(prefix.length());
                  item.put("key", o.key());
                  item.put("sha256", file.endsWith(".png") ? file.substring(0, 64) : null);
                  item.put("bytes", o.size());
                  return item;
                })
            .toList();
    ListPage<ObjectInfo> relative =
        new ListPage<>(page.items(), page.last().map(k -> k.substring(prefix.length())));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("dataset", dataset);
    out.put("domain", domain);
    out.putAll(Paging.answer(ctx, "images", items, relative, request.limit()));
    HttpApi.json(ctx, 200, out);
  }

  // POST /datasets/{name}/{A|B}: one image, or a zip of images.
  private void upload(Context ctx) throws IOException {
    String dataset = ctx.pathParam("dataset");
    String domain = ctx.pathParam("domain");
    Map<String, String> headers = new HashMap<>();
    headers.put(Headers.PURPOSE, Headers.PURPOSE_DATASET);
    headers.put(Headers.DATASET, dataset);
    headers.put(Headers.DOMAIN, domain);
    headers.put(TraceContext.HEADER, HttpApi.trace(ctx).header());
    String contentType = Bodies.contentType(ctx);
    if (isZip(contentType)) {
      Route.Dataset route;
      try {
        route = processor.parser().dataset(IngestInput.fromHttp(headers, new byte[0], PATH));
      } catch (RejectedInputException e) {
        throw ApiException.of(e);
      }
      byte[] body = bodies.read(ctx, maxUploadBytes);
      HttpApi.json(ctx, 200, zipImport.run(body, route));
      return;
    }
    Uploads.declared(ctx, contentType).forEach(headers::put);
    Outcome.Stored s =
        (Outcome.Stored) uploads.ingestOne(headers, bodies.read(ctx, maxUploadBytes), PATH);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("dataset", s.route().dataset());
    out.put("domain", s.route().domain());
    out.put("key", s.key());
    out.put("sha256", s.sha256());
    out.put("width", s.width());
    out.put("height", s.height());
    out.put("duplicate", s.duplicate());
    out.put("counts", s.counts());
    if (!s.duplicate()) {
      ctx.header("Location", "/datasets/" + s.route().dataset() + "/" + s.route().domain());
    }
    HttpApi.json(ctx, s.duplicate() ? 200 : 201, out);
  }

  private static boolean isZip(String contentType) {
    return "application/zip".equals(contentType)
        || "application/x-zip-compressed".equals(contentType);
  }
}
