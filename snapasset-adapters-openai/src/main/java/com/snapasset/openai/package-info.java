/**
 * The OpenAI image provider: DALL·E 3, DALL·E 2 and gpt-image-1 through the official openai-java
 * SDK. Entry points: {@link com.snapasset.openai.OpenAiImageProvider} (and its builder) and {@link
 * com.snapasset.openai.OpenAiPrices}; {@link com.snapasset.openai.OpenAiImageProviderFactory} is
 * found by {@link java.util.ServiceLoader} so that {@code OPENAI_API_KEY} alone switches SnapAsset
 * from the offline placeholder to OpenAI.
 */
@NullMarked
package com.snapasset.openai;

import org.jspecify.annotations.NullMarked;
