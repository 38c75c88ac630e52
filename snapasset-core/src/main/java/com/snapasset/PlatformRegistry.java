package com.snapasset;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The platforms a generator knows: the built-in presets plus any the user registered. Immutable
 * and thread-safe; {@link #with(Platform)} returns a new registry.
 *
 * <p>Besides registered ids, {@link #resolve(String)} accepts a custom size written {@code WxH}
 * (e.g. {@code 1080x1350}), which becomes {@link Platform#custom(int, int)}.
 */
public final class PlatformRegistry {
  private static final Pattern CUSTOM = Pattern.compile("(\\d{1,5})x(\\d{1,5})");
  private static final PlatformRegistry DEFAULTS = new PlatformRegistry(Platforms.presets());

  private final Map<String, Platform> byId;

  private PlatformRegistry(Collection<Platform> platforms) {
    Map<String, Platform> map = new LinkedHashMap<>();
    for (Platform p : platforms) {
      map.put(p.id(), p);
    }
    this.byId = map;
  }

  /** The nine built-in presets. */
  public static PlatformRegistry defaults() {
    return DEFAULTS;
  }

  /** A registry with {@code platform} added, replacing one of the same id. */
  public PlatformRegistry with(Platform platform) {
    List<Platform> all = new ArrayList<>(byId.values());
    all.removeIf(p -> p.id().equals(platform.id()));
    all.add(platform);
    return new PlatformRegistry(all);
  }

  /** The platform registered under {@code id}. */
  public Optional<Platform> find(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  /** A registered id, or a custom size {@code WxH} within the accepted range. */
  public Optional<Platform> resolve(String idOrSize) {
    Platform known = byId.get(idOrSize);
    if (known != null) {
      return Optional.of(known);
    }
    Matcher m = CUSTOM.matcher(idOrSize);
    if (m.matches()) {
      int w = Integer.parseInt(m.group(1));
      int h = Integer.parseInt(m.group(2));
      if (inRange(w) && inRange(h)) {
        return Optional.of(Platform.custom(w, h));
      }
    }
    return Optional.empty();
  }

  /**
   * Why {@code idOrSize} does not {@linkplain #resolve(String) resolve}, as one sentence saying what
   * is accepted; empty when it resolves.
   */
  public Optional<String> problemWith(String idOrSize) {
    if (resolve(idOrSize).isPresent()) {
      return Optional.empty();
    }
    if (CUSTOM.matcher(idOrSize).matches()) {
      return Optional.of("custom size '" + idOrSize + "' is out of range: use " + Platform.MIN_SIDE + "-"
          + Platform.MAX_SIDE + " px a side, e.g. 1080x1350");
    }
    return Optional.of("platform '" + idOrSize + "' is not known: use one of " + ids()
        + " or a custom size WIDTHxHEIGHT");
  }

  /** Every registered platform, presets first, in registration order. */
  public List<Platform> all() {
    return List.copyOf(byId.values());
  }

  /** The registered ids, for error messages. */
  public List<String> ids() {
    return List.copyOf(byId.keySet());
  }

  private static boolean inRange(int side) {
    return side >= Platform.MIN_SIDE && side <= Platform.MAX_SIDE;
  }
}
