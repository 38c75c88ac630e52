package com.snapasset.examples.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The page at {@code /} in headless Chromium: a person types a prompt, picks platforms, presses
 * Generate, and sees the images appear with their sizes, progress arriving over the event stream.
 */
class BrowserPageTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path files;

  @Test
  void submittingAPromptShowsTheImagesWithTheirSizes() throws Exception {
    try (TestServer t = new TestServer(files, b -> b);
         HeadlessChromium chromium = HeadlessChromium.start()) {
      chromium.navigate(t.base + "/");
      awaitTrue(chromium, "document.querySelectorAll('input[name=platform]').length === 9");

      chromium.eval("""
          (() => {
            document.getElementById('prompt').value = 'a lighthouse in a storm';
            document.getElementById('user').value = 'browser-user';
            for (const box of document.querySelectorAll('input[name=platform]')) {
              box.checked = box.value === 'instagram-post' || box.value === 'twitter-header';
            }
            document.getElementById('submit').click();
            return true;
          })()""");

      awaitTrue(chromium, """
          (() => {
            const imgs = [...document.querySelectorAll('#results img')];
            return imgs.length === 2 && imgs.every(i => i.complete && i.naturalWidth > 0);
          })()""");

      JsonNode images = chromium.eval("""
          [...document.querySelectorAll('#results figure')].map(f => ({
            platform: f.querySelector('img').dataset.platform,
            width: f.querySelector('img').naturalWidth,
            height: f.querySelector('img').naturalHeight,
            caption: f.querySelector('figcaption').textContent
          }))""");
      assertThat(images).hasSize(2);
      assertThat(images.get(0).get("platform").asText()).isEqualTo("instagram-post");
      assertThat(images.get(0).get("width").asInt()).isEqualTo(1080);
      assertThat(images.get(0).get("height").asInt()).isEqualTo(1080);
      assertThat(images.get(0).get("caption").asText()).contains("Instagram Post", "1080 × 1080", "PNG");
      assertThat(images.get(1).get("platform").asText()).isEqualTo("twitter-header");
      assertThat(images.get(1).get("width").asInt()).isEqualTo(1500);
      assertThat(images.get(1).get("height").asInt()).isEqualTo(500);
      assertThat(chromium.eval("document.getElementById('progress').value").asInt()).isEqualTo(100);
      assertThat(chromium.eval("document.getElementById('status').textContent").asText()).startsWith("Done: 2 images");
      assertThat(chromium.eval("document.getElementById('submit').disabled").asBoolean()).isFalse();
    }
  }

  @Test
  void aRefusedRequestIsShownOnThePage() throws Exception {
    try (TestServer t = new TestServer(files, b -> b);
         HeadlessChromium chromium = HeadlessChromium.start()) {
      chromium.navigate(t.base + "/");
      awaitTrue(chromium, "document.querySelectorAll('input[name=platform]').length === 9");
      chromium.eval("""
          (() => {
            document.getElementById('prompt').value = '   ';
            for (const box of document.querySelectorAll('input[name=platform]')) box.checked = false;
            document.getElementById('submit').click();
            return true;
          })()""");
      awaitTrue(chromium, "document.getElementById('status').className === 'error'");
      String status = chromium.eval("document.getElementById('status').textContent").asText();
      assertThat(status).contains("prompt").contains("platforms");
    }
  }

  private static void awaitTrue(HeadlessChromium chromium, String expression) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      last = chromium.eval(expression);
      if (last.asBoolean()) {
        return;
      }
      chromium.eval("new Promise(r => setTimeout(() => r(true), 50))"); // lets the page run between checks
    }
    throw new AssertionError("the page never satisfied: " + expression + " (last: " + last + "); page text: "
        + chromium.eval("document.body.innerText"));
  }
}
