package com.snapasset;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One prompt to be turned into one image per platform; or, with a {@link SourceImage}, an image
 * the caller already has, rendered for every platform without calling the image provider.
 *
 * <p>The constructor checks everything that needs no context and reports every problem at once in
 * one {@link InvalidRequestException}. Whether each platform id is known is checked against the
 * generator's {@link PlatformRegistry} when the request is submitted.
 *
 * @param userId 1–128 characters of {@code [A-Za-z0-9._-]}; it becomes a storage path segment
 * @param prompt non-blank, at most {@value #MAX_PROMPT_LENGTH} characters; may be empty with a
 *     source image (then it is only a description kept with the result)
 * @param platforms 1–{@value #MAX_PLATFORMS} distinct platform ids or custom sizes ({@code WxH})
 * @param image what the image provider is asked for
 * @param output how renditions are fitted and encoded
 * @param job how the job is queued and retried
 * @param source the caller's own image instead of a generated one, or null to generate
 */
public record GenerationRequest(
    String userId,
    String prompt,
    List<String> platforms,
    ImageOptions image,
    OutputOptions output,
    JobOptions job,
    @Nullable SourceImage source) {

  /** The longest prompt, in characters. */
  public static final int MAX_PROMPT_LENGTH = 4000;
  /** The most platforms one request may ask for. */
  public static final int MAX_PLATFORMS = 20;
  private static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

  /**
   * Checks the components; see the class description.
   *
   * @param userId 1–128 characters of {@code [A-Za-z0-9._-]}; it becomes a storage path segment
   * @param prompt non-blank, at most {@value #MAX_PROMPT_LENGTH} characters
   * @param platforms 1–{@value #MAX_PLATFORMS} distinct platform ids or custom sizes ({@code WxH})
   * @param image what the image provider is asked for
   * @param output how renditions are fitted and encoded
   * @param job how the job is queued and retried
   * @param source the caller's own image instead of a generated one, or null to generate; with it
   *     the prompt may be empty or null (kept as the empty string)
   */
  public GenerationRequest {
    List<RequestProblem> problems = new ArrayList<>();
    if (userId == null || !USER_ID.matcher(userId).matches() || userId.equals(".") || userId.equals("..")) {
      problems.add(RequestProblem.of("userId", "userId '" + abbreviate(userId) + "' is not valid: use 1-128 characters of A-Z a-z 0-9 . _ -"));
    }
    if (source != null && prompt == null) {
      prompt = "";
    }
    if (source == null && (prompt == null || prompt.isBlank())) {
      problems.add(RequestProblem.of("prompt", "prompt is empty: describe the image to generate, or give a source image"));
    } else if (prompt.length() > MAX_PROMPT_LENGTH) {
      problems.add(RequestProblem.of("prompt", "prompt has " + prompt.length() + " characters: use at most " + MAX_PROMPT_LENGTH));
    } else if (source == null || !prompt.isBlank()) { // with a source image the prompt is optional
      promptProblem(prompt).ifPresent(m -> problems.add(RequestProblem.of("prompt", m)));
    }
    if (platforms == null || platforms.isEmpty()) {
      problems.add(RequestProblem.of("platforms", "platforms is empty: name 1-" + MAX_PLATFORMS + " platforms"));
    } else {
      if (platforms.size() > MAX_PLATFORMS) {
        problems.add(RequestProblem.of("platforms", "platforms has " + platforms.size() + " entries: use at most " + MAX_PLATFORMS));
      }
      Set<String> seen = new HashSet<>();
      for (String p : platforms) {
        if (p == null || p.isBlank()) {
          problems.add(RequestProblem.of("platforms", "platforms contains a blank entry"));
        } else if (!seen.add(p)) {
          problems.add(RequestProblem.of("platforms", "platform '" + p + "' is listed twice"));
        }
      }
    }
    if (image == null) {
      problems.add(RequestProblem.of("image", "image options are missing"));
    }
    if (output == null) {
      problems.add(RequestProblem.of("output", "output options are missing"));
    }
    if (job == null) {
      problems.add(RequestProblem.of("job", "job options are missing"));
    }
    if (!problems.isEmpty()) {
      throw InvalidRequestException.of(problems);
    }
    platforms = List.copyOf(platforms);
  }

  /**
   * Control characters (other than tab and line breaks) would reach the provider, logs and other
   * clients verbatim; a prompt of only invisible characters (zero-width, format, filler) is empty.
   */
  private static java.util.Optional<String> promptProblem(String prompt) {
    boolean visible = false;
    for (int i = 0; i < prompt.length(); ) {
      int c = prompt.codePointAt(i);
      int type = Character.getType(c);
      if (type == Character.CONTROL && c != '\t' && c != '\n' && c != '\r') {
        return java.util.Optional.of(String.format(java.util.Locale.ROOT,
            "prompt holds the control character U+%04X at position %d: only printable text, tabs and line breaks are accepted",
            c, i));
      }
      if (!visible && !Character.isWhitespace(c) && !Character.isSpaceChar(c) && type != Character.FORMAT
          && type != Character.CONTROL && !INVISIBLE.contains(c)) {
        visible = true;
      }
      i += Character.charCount(c);
    }
    return visible ? java.util.Optional.empty()
        : java.util.Optional.of("prompt has no visible characters (only spaces, zero-width or format characters): "
            + "describe the image to generate");
  }

  /** Letters and symbols that render as blank: Hangul fillers, the braille blank, the Mongolian vowel separator. */
  private static final Set<Integer> INVISIBLE = Set.of(0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800, 0x180E);

  /**
   * A request that generates its image: no source image.
   *
   * @param userId whose generation it is
   * @param prompt what to draw
   * @param platforms preset ids or custom sizes
   * @param image model, quality, style and size of the base image
   * @param output format and rendering options
   * @param job queue options
   */
  public GenerationRequest(
      String userId, String prompt, List<String> platforms, ImageOptions image, OutputOptions output, JobOptions job) {
    this(userId, prompt, platforms, image, output, job, null);
  }

  /**
   * A request with default image, output and job options.
   *
   * @param userId whose generation it is
   * @param prompt what to draw
   * @param platforms preset ids or custom sizes
   * @return the request
   */
  public static GenerationRequest of(String userId, String prompt, List<String> platforms) {
    return builder().userId(userId).prompt(prompt).platforms(platforms).build();
  }

  /**
   * A builder with the default image, output and job options.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder holding this request.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    return new Builder()
        .userId(userId)
        .prompt(prompt)
        .platforms(platforms)
        .image(image)
        .output(output)
        .job(job)
        .source(source);
  }

  private static String abbreviate(String s) {
    if (s == null) {
      return "null";
    }
    return s.length() <= 40 ? s : s.substring(0, 40) + "…";
  }

  /** Builds a {@link GenerationRequest}; validation happens in {@link #build()}, all at once. */
  public static final class Builder {
    private String userId = "";
    private String prompt = "";
    private List<String> platforms = List.of();
    private ImageOptions image = ImageOptions.defaults();
    private OutputOptions output = OutputOptions.defaults();
    private JobOptions job = JobOptions.defaults();
    private @Nullable SourceImage source;

    private Builder() {}

    /**
     * Sets {@link GenerationRequest#userId() userId}: 1–128 characters of {@code [A-Za-z0-9._-]};
     * it becomes a storage path segment.
     *
     * @param userId the user
     * @return this builder
     */
    public Builder userId(String userId) {
      this.userId = Objects.requireNonNull(userId, "userId");
      return this;
    }

    /**
     * Sets {@link GenerationRequest#prompt() prompt}: non-blank, at most {@value
     * GenerationRequest#MAX_PROMPT_LENGTH} characters.
     *
     * @param prompt the prompt
     * @return this builder
     */
    public Builder prompt(String prompt) {
      this.prompt = Objects.requireNonNull(prompt, "prompt");
      return this;
    }

    /**
     * Sets {@link GenerationRequest#platforms() platforms}: 1–{@value
     * GenerationRequest#MAX_PLATFORMS} distinct platform ids or custom sizes ({@code WxH}).
     *
     * @param platforms preset ids or custom sizes
     * @return this builder
     */
    public Builder platforms(List<String> platforms) {
      this.platforms = new ArrayList<>(Objects.requireNonNull(platforms, "platforms"));
      return this;
    }

    /**
     * Sets {@link GenerationRequest#platforms() platforms}: 1–{@value
     * GenerationRequest#MAX_PLATFORMS} distinct platform ids or custom sizes ({@code WxH}).
     *
     * @param platforms preset ids or custom sizes
     * @return this builder
     */
    public Builder platforms(String... platforms) {
      return platforms(List.of(platforms));
    }

    /**
     * Sets {@link GenerationRequest#image() image}: what the image provider is asked for.
     *
     * @param image the image options
     * @return this builder
     */
    public Builder image(ImageOptions image) {
      this.image = Objects.requireNonNull(image, "image");
      return this;
    }

    /**
     * Sets {@link GenerationRequest#output() output}: how renditions are fitted and encoded.
     *
     * @param output the output options
     * @return this builder
     */
    public Builder output(OutputOptions output) {
      this.output = Objects.requireNonNull(output, "output");
      return this;
    }

    /**
     * Sets {@link GenerationRequest#job() job}: how the job is queued and retried.
     *
     * @param job the job options
     * @return this builder
     */
    public Builder job(JobOptions job) {
      this.job = Objects.requireNonNull(job, "job");
      return this;
    }

    /**
     * The caller's own image, rendered instead of generating one (no provider call, no cost); the
     * prompt may then stay empty. Null to generate.
     *
     * @param source the image to render, or null
     * @return this builder
     */
    public Builder source(@Nullable SourceImage source) {
      this.source = source;
      return this;
    }

    /**
     * Checks every field at once.
     *
     * @return the request
     */
    public GenerationRequest build() {
      return new GenerationRequest(userId, prompt, platforms, image, output, job, source);
    }

    /** The platform ids set so far, for {@link AssetGenerator#validate(Builder)}. */
    List<String> draftPlatforms() {
      return platforms.stream().filter(Objects::nonNull).toList();
    }

    /** The image options set so far, for {@link AssetGenerator#validate(Builder)}. */
    ImageOptions draftImage() {
      return image;
    }
  }
}
