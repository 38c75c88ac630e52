package com.snapasset.examples.server;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Reads request bodies: JSON only, size-capped before a byte is parsed, and strict: one object of
 * valid UTF-8, each field once (a second {@code userId} or {@code priority} must not silently win),
 * nothing after it, and no control characters in any text.
 */
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
    String text = utf8(body);
    JsonNode node;
    try (JsonParser parser = json.getFactory().createParser(text)) {
      parser.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
      node = json.readTree(parser);
      if (node == null || !node.isObject()) {
        throw ApiException.validation(List.of("the request body must be a JSON object"));
      }
      if (parser.nextToken() != null) {
        throw ApiException.validation(List.of("the request body has more after its JSON object: send exactly one object"));
      }
    } catch (StreamReadException e) {
      String m = e.getOriginalMessage();
      if (m != null && m.startsWith("Duplicate field")) {
        throw ApiException.validation(List.of("the request body names a field twice (" + m.substring(16)
            + "): send each field once"));
      }
      throw ApiException.validation(List.of("the request body is not valid JSON: " + m));
    } catch (IOException e) {
      throw ApiException.validation(List.of("the request body could not be parsed"));
    }
    List<String> problems = new ArrayList<>();
    controlCharacters(node, "", problems);
    if (!problems.isEmpty()) {
      throw ApiException.validation(problems);
    }
    return node;
  }

  /** Strict UTF-8, as JSON must be (RFC 8259): overlong forms, surrogates and stray bytes refused. */
  private static String utf8(byte[] body) {
    try {
      String text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(body)).toString();
      return text.startsWith("\uFEFF") ? text.substring(1) : text;
    } catch (CharacterCodingException e) {
      throw ApiException.validation(List.of("the request body is not valid UTF-8: send JSON encoded as UTF-8"));
    }
  }

  /**
   * Control characters other than tab and line breaks have no place in any text of a request, and a
   * prompt or id carrying them would be echoed back to other clients and logs verbatim.
   */
  private static void controlCharacters(JsonNode node, String path, List<String> problems) {
    if (node.isTextual()) {
      String text = node.asText();
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (Character.getType(c) == Character.CONTROL && c != '\t' && c != '\n' && c != '\r') {
          problems.add((path.isEmpty() ? "a value" : path) + " holds the control character U+"
              + String.format(Locale.ROOT, "%04X", (int) c) + " at position " + i
              + ": only printable text, tabs and line breaks are accepted");
          return;
        }
      }
    } else if (node.isObject()) {
      node.fields().forEachRemaining(e -> {
        String name = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
        controlCharacters(TextNode.valueOf(e.getKey()), "the field name " + ApiException.abbreviate(name), problems);
        controlCharacters(e.getValue(), name, problems);
      });
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        controlCharacters(node.get(i), path + "[" + i + "]", problems);
      }
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
