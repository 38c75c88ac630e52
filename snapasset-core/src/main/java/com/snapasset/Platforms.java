package com.snapasset;

import java.util.List;

/** The built-in platform presets, as the original SnapAsset API defined them. */
public final class Platforms {
  /** 1080 × 1080. */
  public static final Platform INSTAGRAM_POST = new Platform("instagram-post", "Instagram Post", 1080, 1080);
  /** 1080 × 1920. */
  public static final Platform INSTAGRAM_STORY = new Platform("instagram-story", "Instagram Story", 1080, 1920);
  /** 1200 × 675. */
  public static final Platform TWITTER_POST = new Platform("twitter-post", "Twitter Post", 1200, 675);
  /** 1500 × 500. */
  public static final Platform TWITTER_HEADER = new Platform("twitter-header", "Twitter Header", 1500, 500);
  /** 1200 × 630. */
  public static final Platform FACEBOOK_POST = new Platform("facebook-post", "Facebook Post", 1200, 630);
  /** 820 × 312. */
  public static final Platform FACEBOOK_COVER = new Platform("facebook-cover", "Facebook Cover", 820, 312);
  /** 1200 × 627. */
  public static final Platform LINKEDIN_POST = new Platform("linkedin-post", "LinkedIn Post", 1200, 627);
  /** 1280 × 720. */
  public static final Platform YOUTUBE_THUMBNAIL = new Platform("youtube-thumbnail", "YouTube Thumbnail", 1280, 720);
  /** 1000 × 1500. */
  public static final Platform PINTEREST_PIN = new Platform("pinterest-pin", "Pinterest Pin", 1000, 1500);

  private static final List<Platform> PRESETS =
      List.of(
          INSTAGRAM_POST,
          INSTAGRAM_STORY,
          TWITTER_POST,
          TWITTER_HEADER,
          FACEBOOK_POST,
          FACEBOOK_COVER,
          LINKEDIN_POST,
          YOUTUBE_THUMBNAIL,
          PINTEREST_PIN);

  private Platforms() {}

  /**
   * The nine built-in presets, in a stable order.
   *
   * @return an unmodifiable list
   */
  public static List<Platform> presets() {
    return PRESETS;
  }
}
