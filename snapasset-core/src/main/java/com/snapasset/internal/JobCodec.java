package com.snapasset.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.snapasset.GenerationRequest;
import com.snapasset.GenerationResult;
import com.snapasset.SnapAssetException;

/**
 * Writes requests and results as JSON for the queue, which stores them as opaque strings. Unknown
 * fields are ignored, so workers of an older version can read what a newer one wrote.
 */
final class JobCodec {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
          .build();

  private JobCodec() {}

  public static String writeRequest(GenerationRequest request) {
    return write(request);
  }

  public static GenerationRequest readRequest(String json) {
    return read(json, GenerationRequest.class);
  }

  public static String writeResult(GenerationResult result) {
    return write(result);
  }

  public static GenerationResult readResult(String json) {
    return read(json, GenerationResult.class);
  }

  private static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
    }
  }

  private static <T> T read(String json, Class<T> type) {
    try {
      return MAPPER.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new SnapAssetException(
          "stored " + type.getSimpleName() + " is not readable: " + e.getOriginalMessage(), e, false);
    }
  }
}
