package com.snapasset.jdbc;

import com.snapasset.InvalidRequestException;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Base64;

/** A keyset position in a user's newest-first list: the last row of the previous page. */
record Cursor(Instant createdAt, String id) {

  String encode() {
    String raw = createdAt.getEpochSecond() + ":" + createdAt.getNano() + ":" + id;
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  static Cursor decode(String cursor) {
    try {
      String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      String[] parts = raw.split(":", 3);
      if (parts.length != 3 || parts[2].isEmpty()) {
        throw new IllegalArgumentException("three parts expected");
      }
      return new Cursor(
          Instant.ofEpochSecond(Long.parseLong(parts[0]), Long.parseLong(parts[1])), parts[2]);
    } catch (IllegalArgumentException | DateTimeException e) {
      throw new InvalidRequestException(
          "cursor '" + cursor + "' is not valid: pass the nextCursor of the previous page");
    }
  }
}
