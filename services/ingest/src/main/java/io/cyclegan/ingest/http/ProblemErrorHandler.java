package io.cyclegan.ingest.http;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own refusals (a malformed request line, an ambiguous or suspicious path, headers too
 * large) as problem documents too, instead of Jetty's HTML page: they happen before any route runs,
 * so the reason comes from the status ({@link Problems#reasonOf}). Never a stack trace.
 */
final class ProblemErrorHandler extends ErrorHandler {
  ProblemErrorHandler() {
    setShowStacks(false);
    setShowCauses(false);
    setShowOrigin(false);
  }

  @Override
  protected void generateResponse(
      Request request,
      Response response,
      int code,
      String message,
      Throwable cause,
      Callback callback) {
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, Problems.CONTENT_TYPE);
    response.write(true, ByteBuffer.wrap(body(code, message)), callback);
  }

  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(HttpHeader.CONTENT_TYPE, Problems.CONTENT_TYPE);
    return ByteBuffer.wrap(body(status, reason));
  }

  private static byte[] body(int code, String message) {
    return Problems.body(code, Problems.reasonOf(code), detail(code, message));
  }

  /** Jetty's message when it is short plain text (it names the rule broken), else the title. */
  private static String detail(int code, String message) {
    if (message != null
        && !message.isBlank()
        && message.length() <= 200
        && message.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
      return message;
    }
    return Problems.title(code);
  }
}
