package com.snapasset.examples.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Optional API-key authentication by the {@value #HEADER} header. Keys are kept only as SHA-256
 * digests, so neither a heap dump nor a toString() shows them, and looking one up takes the same
 * time whatever prefix a guess shares with a real key.
 */
final class ApiKeys {
  static final String HEADER = "X-API-Key";

  private final Map<String, String> userByDigest = new HashMap<>();
  private final @Nullable String adminDigest;

  ApiKeys(Map<String, String> userByKey, @Nullable String adminKey) {
    userByKey.forEach((key, user) -> userByDigest.put(digest(key), user));
    this.adminDigest = adminKey == null ? null : digest(adminKey);
  }

  boolean enabled() {
    return !userByDigest.isEmpty() || adminDigest != null;
  }

  /** Who is calling; with authentication off, everyone is an administrator. */
  Caller identify(@Nullable String key) {
    if (!enabled()) {
      return Caller.OPEN;
    }
    if (key == null || key.isBlank()) {
      throw new ApiException(ErrorCode.UNAUTHORIZED, "send an API key in the " + HEADER + " header");
    }
    String d = digest(key);
    if (adminDigest != null && MessageDigest.isEqual(d.getBytes(StandardCharsets.US_ASCII),
        adminDigest.getBytes(StandardCharsets.US_ASCII))) {
      return new Caller(null, true);
    }
    String user = userByDigest.get(d);
    if (user == null) {
      throw new ApiException(ErrorCode.UNAUTHORIZED, "the API key is not valid");
    }
    return new Caller(user, false);
  }

  @Override
  public String toString() {
    return "ApiKeys[" + userByDigest.size() + " user keys, admin key " + (adminDigest != null) + "]";
  }

  private static String digest(String key) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /**
   * The authenticated caller.
   *
   * @param userId the user the key belongs to; null for an administrator (or with auth off)
   * @param admin whether admin routes and every user's jobs are open to the caller
   */
  record Caller(@Nullable String userId, boolean admin) {
    static final Caller OPEN = new Caller(null, true);

    boolean mayAct(String user) {
      return admin || user.equals(userId);
    }
  }
}
