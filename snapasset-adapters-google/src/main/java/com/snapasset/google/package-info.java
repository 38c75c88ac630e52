/**
 * The Google image provider: Imagen 4 and the Gemini image models through Google's Gen AI Java SDK,
 * on the Gemini Developer API or Vertex AI. Entry points: {@link
 * com.snapasset.google.GoogleImageProvider} (and its builder) and {@link
 * com.snapasset.google.GooglePrices}; {@link com.snapasset.google.GoogleImageProviderFactory} is
 * found by {@link java.util.ServiceLoader} so that {@code GEMINI_API_KEY} alone switches SnapAsset
 * to Google.
 */
@NullMarked
package com.snapasset.google;

import org.jspecify.annotations.NullMarked;
