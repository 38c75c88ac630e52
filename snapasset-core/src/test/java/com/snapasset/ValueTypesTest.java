package com.snapasset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ValueTypesTest {
  @Test
  void aRequestReportsEveryProblemAtOnce() {
    List<String> tooMany = new ArrayList<>();
    for (int i = 0; i < 21; i++) {
      tooMany.add("p" + i);
    }
    tooMany.add("p0");

    assertThatThrownBy(() -> GenerationRequest.of("bad user/../", " ", tooMany))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.problems())
            .hasSize(4)
            .anySatisfy(p -> assertThat(p).contains("userId").contains("A-Z a-z 0-9 . _ -"))
            .anySatisfy(p -> assertThat(p).contains("prompt is empty"))
            .anySatisfy(p -> assertThat(p).contains("22 entries").contains("at most 20"))
            .anySatisfy(p -> assertThat(p).contains("'p0' is listed twice")));
  }

  @Test
  void promptsOfOnlyInvisibleCharactersOrWithControlCharactersAreRefused() {
    for (String invisible : List.of("\u200B\u200C\u200D", "\u2060 \uFEFF", "\u3164\u3164", "\u2800", "\u202E\u200E")) {
      assertThatThrownBy(() -> GenerationRequest.of("u", invisible, List.of("instagram-post")))
          .as(invisible.codePoints().mapToObj(Integer::toHexString).toList().toString())
          .hasMessageContaining("no visible characters");
    }
    assertThatThrownBy(() -> GenerationRequest.of("u", "a fox\u0007 \u001b[31m", List.of("instagram-post")))
        .hasMessageContaining("control character U+0007 at position 5");
    assertThatThrownBy(() -> GenerationRequest.of("u", "a fox\u0085", List.of("instagram-post")))
        .hasMessageContaining("U+0085");
    // Tabs, line breaks, emoji joined by zero-width joiners and accents are ordinary prompt text.
    for (String fine : List.of("line one\nline two\twith a tab", "a family \uD83D\uDC68\u200D\uD83D\uDC69", "caf\u00E9")) {
      assertThat(GenerationRequest.of("u", fine, List.of("instagram-post")).prompt()).isEqualTo(fine);
    }
  }

  @Test
  void promptsAndUserIdsHaveLimits() {
    String longPrompt = String.join("", Collections.nCopies(4001, "x"));
    assertThatThrownBy(() -> GenerationRequest.of("u", longPrompt, List.of("instagram-post")))
        .hasMessageContaining("4001 characters").hasMessageContaining("at most 4000");
    assertThatThrownBy(() -> GenerationRequest.of("x".repeat(129), "p", List.of("instagram-post")))
        .isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> GenerationRequest.of("..", "p", List.of("instagram-post")))
        .isInstanceOf(InvalidRequestException.class);
    assertThat(GenerationRequest.of("user_1.a-b", "p", List.of("instagram-post")).userId()).isEqualTo("user_1.a-b");
  }

  @Test
  void requestPlatformsAreCopied() {
    List<String> platforms = new ArrayList<>(List.of("instagram-post"));
    GenerationRequest r = GenerationRequest.of("u", "p", platforms);
    platforms.add("twitter-post");

    assertThat(r.platforms()).containsExactly("instagram-post");
  }

  @Test
  void jobOptionsDefaultToTheGuide() {
    JobOptions o = JobOptions.defaults();

    assertThat(o.attempts()).isEqualTo(3);
    assertThat(o.timeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(o.backoff().type()).isEqualTo(Backoff.Type.EXPONENTIAL);
    assertThat(o.backoff().delay()).isEqualTo(Duration.ofSeconds(2));
    assertThat(o.priority()).isEqualTo(5);
  }

  @Test
  void jobOptionsReportEveryRangeProblem() {
    assertThatThrownBy(() -> JobOptions.builder().priority(0).attempts(0).timeout(Duration.ofMillis(10)).build())
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.problems()).hasSize(3));
  }

  @Test
  void exponentialBackoffWithoutJitterIsTwoFourEight() {
    Backoff b = Backoff.exponential(Duration.ofSeconds(2)).withJitter(0);
    Random r = new Random();

    assertThat(List.of(b.delayFor(1, r), b.delayFor(2, r), b.delayFor(3, r)))
        .containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8));
    assertThat(b.delayFor(40, r)).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void platformsAndCustomSizesResolve() {
    PlatformRegistry reg = PlatformRegistry.defaults();

    assertThat(reg.all()).hasSize(9);
    assertThat(reg.resolve("twitter-post")).hasValue(Platforms.TWITTER_POST);
    assertThat(reg.resolve("1080x1350")).hasValueSatisfying(p -> {
      assertThat(p.id()).isEqualTo("1080x1350");
      assertThat(p.width()).isEqualTo(1080);
    });
    assertThat(reg.resolve("custom-1080x1350")).as("the older spelling, answered in the one spelling")
        .hasValueSatisfying(p -> assertThat(p.id()).isEqualTo("1080x1350"));
    assertThat(reg.resolve("custom-8x8")).isEmpty();
    assertThat(reg.resolve("8x8")).isEmpty();
    assertThat(reg.resolve("5000x100")).isEmpty();
    assertThat(reg.resolve("nope")).isEmpty();
    assertThatThrownBy(() -> new Platform("Bad Id", "x", 100, 100)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void imageOptionsAreChecked() {
    assertThat(ImageOptions.defaults().width()).isEqualTo(1024);
    assertThat(ImageOptions.defaults().withSize("1792x1024").width()).isEqualTo(1792);
    assertThatThrownBy(() -> ImageOptions.defaults().withSize("big")).hasMessageContaining("WIDTHxHEIGHT");
    assertThatThrownBy(() -> new ImageOptions("", "hd", "vivid", "1024x1024")).hasMessageContaining("model");
  }

  @Test
  void outputFormatsParseLeniently() {
    assertThat(OutputFormat.parse("jpg")).hasValue(OutputFormat.JPEG);
    assertThat(OutputFormat.parse(" PNG ")).hasValue(OutputFormat.PNG);
    assertThat(OutputFormat.parse("gif")).isEmpty();
  }

  @Test
  void jobIdsAreChecked() {
    assertThat(JobId.of("user-1:abc.def_9").value()).isEqualTo("user-1:abc.def_9");
    assertThatThrownBy(() -> JobId.of("has space")).isInstanceOf(InvalidRequestException.class);
    assertThat(JobId.random()).isNotEqualTo(JobId.random());
  }
}
