package com.snapasset;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One prompt to be turned into one image per platform.
 *
 * <p>The constructor checks everything that needs no context and reports every problem at once in
 * one {@link InvalidRequestException}. Whether each platform id is known is checked against the
 * generator's {@link PlatformRegistry} when the request is submitted.
 *
 * @param userId 1–128 characters of {@code [A-Za-z0-9._-]}; it becomes a storage path segment
 * @param prompt non-blank, at most {@value #MAX_PROMPT_LENGTH} characters
 * @param platforms 1–{@value #MAX_PLATFORMS} distinct platform ids or custom sizes ({@code WxH})
 * @param image what the image provider is asked for
 * @param output how renditions are fitted and encoded
 * @param job how the job is queued and retried
 */
public record GenerationRequest(
    String userId,
    String prompt,
    List<String> platforms,
    ImageOptions image,
    OutputOptions output,
    JobOptions job) {

  public static final int MAX_PROMPT_LENGTH = 4000;
  public static final int MAX_PLATFORMS = 20;
  private static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

  public GenerationRequest {
    List<RequestProblem> problems = new ArrayList<>();
    if (userId == null || !USER_ID.matcher(userId).matches() || userId.equals(".") || userId.equals("..")) {
      problems.add(RequestProblem.of("userId", "userId '" + abbreviate(userId) + "' is not valid: use 1-128 characters of A-Z a-z 0-9 . _ -"));
    }
    if (prompt == null || prompt.isBlank()) {
      problems.add(RequestProblem.of("prompt", "prompt is empty: describe the image to generate"));
    } else if (prompt.length() > MAX_PROMPT_LENGTH) {
      problems.add(RequestProblem.of("prompt", "prompt has " + prompt.length() + " characters: use at most " + MAX_PROMPT_LENGTH));
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

  /** A request with default image, output and job options. */
  public static GenerationRequest of(String userId, String prompt, List<String> platforms) {
    return builder().userId(userId).prompt(prompt).platforms(platforms).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder()
        .userId(userId)
        .prompt(prompt)
        .platforms(platforms)
        .image(image)
        .output(output)
        .job(job);
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

    private Builder() {}

    public Builder userId(String userId) {
      this.userId = Objects.requireNonNull(userId, "userId");
      return this;
    }

    public Builder prompt(String prompt) {
      this.prompt = Objects.requireNonNull(prompt, "prompt");
      return this;
    }

    public Builder platforms(List<String> platforms) {
      this.platforms = new ArrayList<>(Objects.requireNonNull(platforms, "platforms"));
      return this;
    }

    public Builder platforms(String... platforms) {
      return platforms(List.of(platforms));
    }

    public Builder image(ImageOptions image) {
      this.image = Objects.requireNonNull(image, "image");
      return this;
    }

    public Builder output(OutputOptions output) {
      this.output = Objects.requireNonNull(output, "output");
      return this;
    }

    public Builder job(JobOptions job) {
      this.job = Objects.requireNonNull(job, "job");
      return this;
    }

    public GenerationRequest build() {
      return new GenerationRequest(userId, prompt, platforms, image, output, job);
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
