package com.snapasset.examples.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** Reads request bodies: JSON only, size-capped before a byte is parsed. */
final class Bodies {
  private Bodies() {}

  /**
   * The JSON body, or null when the request has none and {@code optional} allows that.
   *
   * @throws ApiException 413 over {@code maxBytes}, 415 for a non-JSON content type, 400 for
   *     malformed JSON
   */
  static @Nullable JsonNode json(Context ctx, ObjectMapper json, int maxBytes, boolean optional) {
    long declared = ctx.req().getContentLengthLong();
    if (declared > maxBytes) {
      throw tooLarge(maxBytes);
    }
    byte[] body;
    try (InputStream in = ctx.req().getInputStream()) {
      body = in.readNBytes(maxBytes + 1);
    } catch (IOException e) {
      throw new ApiException(ErrorCode.VALIDATION_ERROR, "the request body could not be read");
    }
    if (body.length > maxBytes) {
      throw tooLarge(maxBytes);
    }
    if (body.length == 0 && optional) {
      return null;
    }
    String type = ctx.contentType();
    if (type == null || !isJson(type)) {
      throw new ApiException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
          "send the body as JSON with Content-Type: application/json"
              + (type == null ? "" : " (was " + ApiException.abbreviate(type) + ")"));
    }
    if (body.length == 0) {
      throw ApiException.validation(List.of("the request body is empty: send a JSON object"));
    }
    try {
      JsonNode node = json.readTree(body);
      if (node == null || !node.isObject()) {
        throw ApiException.validation(List.of("the request body must be a JSON object"));
      }
      return node;
    } catch (JsonProcessingException e) {
      throw ApiException.validation(List.of("the request body is not valid JSON: " + e.getOriginalMessage()));
    } catch (IOException e) {
      throw ApiException.validation(List.of("the request body could not be parsed"));
    }
  }

  private static boolean isJson(String contentType) {
    String media = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    return media.equals("application/json") || (media.startsWith("application/") && media.endsWith("+json"));
  }

  private static ApiException tooLarge(int maxBytes) {
    return new ApiException(ErrorCode.PAYLOAD_TOO_LARGE,
        "the request body is larger than " + (maxBytes / 1024) + " KB");
  }
}
