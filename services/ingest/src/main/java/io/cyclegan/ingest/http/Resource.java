package io.cyclegan.ingest.http;

/** One resource of the HTTP API: registers a handler for each of its rows of the endpoint table. */
interface Resource {
  void register(Routes routes);
}
