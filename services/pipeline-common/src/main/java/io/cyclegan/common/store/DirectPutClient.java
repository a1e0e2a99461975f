package io.cyclegan.common.store;

import com.google.common.collect.Multimap;
import io.minio.MinioAsyncClient;
import io.minio.PutObjectArgs;
import java.util.concurrent.ExecutionException;

/**
 * A single PUT of bytes already in memory, sent straight to the HTTP client.
 *
 * <p>{@code MinioClient.putObject} first hands the upload to {@code CompletableFuture.supplyAsync}
 * without an executor. On a JVM that sees two processors or fewer (a pod with a CPU limit of 2, a
 * 2-core machine) the common pool has no parallelism, and such a task gets a new thread of its own:
 * one thread started and ended per PUT, with every thread-local cache (digests, buffers) built
 * again. The inference worker writes two objects per image, so on 2 cores this was more than half
 * of its own CPU per image (docs/benchmarks.md). Here the bytes go to MinIO's request path ({@code
 * executePutAsync}, which signs with the body's SHA-256 and Content-MD5 as {@code putObject} does)
 * on the caller's thread, and only the HTTP exchange runs on the HTTP client's pooled dispatcher,
 * as every GET already does.
 */
final class DirectPutClient extends MinioAsyncClient {
  DirectPutClient(MinioAsyncClient base) {
    super(base);
  }

  /** Writes {@code bytes} as the object that {@code args} names, with its headers and metadata. */
  void put(PutObjectArgs args, byte[] bytes) throws Exception {
    Multimap<String, String> headers = newMultimap(args.genHeaders());
    if (!headers.containsKey("Content-Type")) {
      headers.put("Content-Type", args.contentType());
    }
    try {
      executePutAsync(args, headers, newMultimap(), bytes, bytes.length)
          .thenAccept(response -> response.close())
          .get();
    } catch (ExecutionException e) {
      throwEncapsulatedException(e); // the exception MinioClient's own calls throw
    }
  }
}
