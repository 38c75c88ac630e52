/**
 * The example HTTP server: the original SnapAsset REST API (jobs, queue, platforms, synchronous
 * generation, live progress over Server-Sent Events) on Javalin, in front of an {@link
 * com.snapasset.AssetGenerator}. {@link com.snapasset.examples.server.ApiServer} is the entry point.
 */
@NullMarked
package com.snapasset.examples.server;

import org.jspecify.annotations.NullMarked;
