package io.cyclegan.common.store;

import com.google.common.collect.Multimap;
import io.minio.GetObjectArgs;
import io.minio.GetObjectResponse;
import io.minio.MinioAsyncClient;
import io.minio.PutObjectArgs;
import io.minio.credentials.Credentials;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.InsufficientDataException;
import io.minio.errors.InternalException;
import io.minio.errors.InvalidResponseException;
import io.minio.errors.ServerException;
import io.minio.errors.XmlParserException;
import io.minio.http.Method;
import io.minio.messages.ErrorResponse;
import java.io.IOException;
import java.lang.ref.Cleaner;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * The MinIO client with a lean path for the requests every service makes most: a GET or PUT of one
 * object, without query parameters. The rest of the S3 API goes through MinIO unchanged.
 *
 * <p>{@code MinioClient.putObject} first hands the upload to {@code CompletableFuture.supplyAsync}
 * without an executor. On a JVM that sees two processors or fewer (a pod with a CPU limit of 2, a
 * 2-core machine) the common pool has no parallelism, and such a task gets a new thread of its own:
 * one thread started and ended per PUT, with every thread-local cache (digests, buffers) built
 * again. So {@link #put} sends bytes already in memory to MinIO's request path ({@code
 * executePutAsync}, which hashes the body as {@code putObject} does) on the caller's thread. The
 * HTTP exchange of a GET or PUT runs on the caller's thread too ({@link PlainHttp}) where the
 * endpoint is plain HTTP without a proxy, and otherwise on OkHttp's pooled dispatcher.
 *
 * <p>For a GET or PUT of one object, {@link #executeAsync} builds the URL and the request with
 * MinIO's own code (so the headers, hashes and addressing are MinIO's), but signs it with {@link
 * S3RequestSigner}, which keeps the signing key for the day, and builds no trace text unless the
 * server answers with an error. An error answer becomes the exception MinIO throws for it (an S3
 * error document: {@link ErrorResponseException}; anything else: {@link InvalidResponseException},
 * or {@link ServerException} for an empty 304), so the callers' fault handling is the same. MinIO's
 * HTTP tracing ({@code traceOn}) does not see these requests; the services do not turn it on.
 */
final class DirectClient extends MinioAsyncClient {
  private static final Cleaner CLEANER = Cleaner.create();

  private final S3RequestSigner signer = new S3RequestSigner();
  private final PlainHttp plain;

  DirectClient(MinioAsyncClient base) {
    this(base, Optional.empty());
  }

  /**
   * @param plain where present, the GETs and PUTs of one object to its endpoint are exchanged on
   *     the caller's thread ({@link PlainHttp}) instead of through OkHttp's dispatcher
   */
  DirectClient(MinioAsyncClient base, Optional<PlainHttp> plain) {
    super(base);
    this.plain = plain.orElse(null);
    if (this.plain != null) {
      CLEANER.register(this, this.plain::closeIdle);
    }
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

  /**
   * The object, as {@code MinioClient.getObject} gives it (the caller closes it), but waiting
   * interruptibly: an interrupt ends the wait with {@link InterruptedException} (through OkHttp) or
   * {@link java.io.InterruptedIOException} with the interrupt still set ({@link PlainHttp}), which
   * {@code ObjectStore} turns into the former.
   */
  GetObjectResponse get(GetObjectArgs args) throws Exception {
    try {
      return getObject(args).get();
    } catch (ExecutionException e) {
      throwEncapsulatedException(e);
      throw new IllegalStateException("unreachable", e);
    }
  }

  @Override
  protected CompletableFuture<Response> executeAsync(
      Method method,
      String bucketName,
      String objectName,
      String region,
      Headers headers,
      Multimap<String, String> queryParamMap,
      Object body,
      int length)
      throws InsufficientDataException,
          InternalException,
          InvalidKeyException,
          IOException,
          NoSuchAlgorithmException,
          XmlParserException {
    boolean oneObject =
        (method == Method.GET || method == Method.PUT)
            && bucketName != null
            && objectName != null
            && (queryParamMap == null || queryParamMap.isEmpty())
            && (body == null ? method == Method.GET : body instanceof byte[]);
    if (!oneObject) {
      return super.executeAsync(
          method, bucketName, objectName, region, headers, queryParamMap, body, length);
    }
    HttpUrl url = buildUrl(method, bucketName, objectName, region, queryParamMap);
    Credentials creds = provider == null ? null : provider.fetch();
    Request request = createRequest(url, method, headers, body, length, creds);
    if (creds != null) {
      try {
        request =
            signer.sign(
                request,
                region,
                creds.accessKey(),
                creds.secretKey(),
                request.header("x-amz-content-sha256"));
      } catch (InvalidKeyException | NoSuchAlgorithmException e) {
        throw e;
      } catch (GeneralSecurityException e) {
        throw new InternalException("cannot sign the request: " + e, null);
      }
    }
    Request sent = request;
    if (plain != null && plain.serves(url)) {
      Response response = plain.exchange(sent, (byte[]) body, length);
      if (response.isSuccessful()) {
        return CompletableFuture.completedFuture(response);
      }
      return CompletableFuture.failedFuture(error(bucketName, sent, response));
    }
    CompletableFuture<Response> result = new CompletableFuture<>();
    httpClient
        .newCall(sent)
        .enqueue(
            new Callback() {
              @Override
              public void onFailure(Call call, IOException e) {
                result.completeExceptionally(e);
              }

              @Override
              public void onResponse(Call call, Response response) {
                if (response.isSuccessful()) {
                  result.complete(response);
                  return;
                }
                try {
                  result.completeExceptionally(error(bucketName, sent, response));
                } catch (Exception e) {
                  result.completeExceptionally(e);
                }
              }
            });
    return result;
  }

  /** What MinIO makes of an error answer to a GET or PUT (not a HEAD). */
  private Exception error(String bucketName, Request request, Response response)
      throws IOException, XmlParserException {
    String body;
    try (ResponseBody b = response.body()) {
      body = b.string();
    }
    String trace = trace(request, response, body);
    String contentType = response.headers().get("content-type");
    if (contentType == null || !Arrays.asList(contentType.split(";")).contains("application/xml")) {
      if (response.code() == 304 && response.body().contentLength() == 0) {
        return new ServerException(
            "server failed with HTTP status code " + response.code(), response.code(), trace);
      }
      return new InvalidResponseException(
          response.code(), contentType, body.substring(0, Math.min(body.length(), 1024)), trace);
    }
    if (body.isEmpty()) {
      return new InvalidResponseException(response.code(), contentType, body, trace);
    }
    ErrorResponse errorResponse = xmlError(body);
    if (NO_SUCH_BUCKET.equals(errorResponse.code())) {
      regionCache.remove(bucketName);
    }
    return new ErrorResponseException(errorResponse, response, trace);
  }

  private static ErrorResponse xmlError(String body) throws XmlParserException {
    return io.minio.Xml.unmarshal(ErrorResponse.class, body);
  }

  /** MinIO's trace of an exchange, with the signature and the credential redacted. */
  private static String trace(Request request, Response response, String body) {
    String path = request.url().encodedPath();
    String query = request.url().encodedQuery();
    return "---------START-HTTP---------\n"
        + request.method()
        + " "
        + (query == null ? path : path + "?" + query)
        + " HTTP/1.1\n"
        + request
            .headers()
            .toString()
            .replaceAll("Signature=([0-9a-f]+)", "Signature=*REDACTED*")
            .replaceAll("Credential=([^/]+)", "Credential=*REDACTED*")
        + "\n"
        + response.protocol().toString().toUpperCase(java.util.Locale.US)
        + " "
        + response.code()
        + "\n"
        + response.headers()
        + "\n"
        + body
        + "\n----------END-HTTP----------\n";
  }
}
