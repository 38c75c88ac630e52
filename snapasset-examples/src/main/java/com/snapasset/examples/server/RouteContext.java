package com.snapasset.examples.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.snapasset.AssetGenerator;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * What the routes need from their server, fixed when the server is built: the routes get this
 * instead of calling back into {@link ApiServer}.
 *
 * @param authEnabled whether API keys are required (completed jobs are then cached privately)
 * @param criticalQueueDepth waiting jobs past which new ones are refused; 0 turns it off
 * @param retryAfter what back-pressure refusals ask the client to wait
 * @param alerts what {@code GET /api/alerts} answers, when configured
 */
record RouteContext(
    AssetGenerator generator,
    ObjectMapper json,
    Clock clock,
    JobEventStreams events,
    boolean authEnabled,
    int maxBodyBytes,
    long criticalQueueDepth,
    Duration retryAfter,
    String version,
    @Nullable Supplier<Object> alerts) {}
