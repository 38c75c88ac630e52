package com.snapasset.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * One dependency's breaker: closed (calls pass), open (calls fail fast until a time), half-open
 * (one probe call passes; its outcome closes or reopens the breaker). Consecutive transient
 * failures open it; each failed probe doubles the open time, up to a maximum. Thread-safe.
 */
final class CircuitBreaker {
  enum State { CLOSED, OPEN, HALF_OPEN }

  private final Dependency dependency;
  private final Clock clock;
  private final int failuresToOpen;
  private final Duration openFor;
  private final Duration maxOpenFor;
  private State state = State.CLOSED;
  private int failures;
  private Duration currentOpenFor;
  private Instant openUntil = Instant.MIN;
  private boolean probeInFlight;

  CircuitBreaker(Dependency dependency, Clock clock, int failuresToOpen, Duration openFor, Duration maxOpenFor) {
    this.dependency = dependency;
    this.clock = clock;
    this.failuresToOpen = failuresToOpen;
    this.openFor = openFor;
    this.maxOpenFor = maxOpenFor;
    this.currentOpenFor = openFor;
  }

  Dependency dependency() {
    return dependency;
  }

  /**
   * Whether a call may go ahead now. An open breaker whose time has come lets exactly one caller
   * through as the probe; that caller must report its outcome.
   */
  synchronized boolean tryAcquire() {
    switch (state) {
      case CLOSED:
        return true;
      case OPEN:
        if (clock.instant().isBefore(openUntil)) {
          return false;
        }
        state = State.HALF_OPEN;
        probeInFlight = true;
        return true;
      default: // HALF_OPEN
        if (probeInFlight) {
          return false;
        }
        probeInFlight = true;
        return true;
    }
  }

  synchronized void onSuccess() {
    state = State.CLOSED;
    failures = 0;
    currentOpenFor = openFor;
    probeInFlight = false;
  }

  /** A transient failure of the dependency (not of the job). */
  synchronized void onFailure() {
    if (state == State.HALF_OPEN) {
      Duration doubled = currentOpenFor.multipliedBy(2);
      currentOpenFor = doubled.compareTo(maxOpenFor) > 0 ? maxOpenFor : doubled;
      open();
      return;
    }
    if (state == State.CLOSED && ++failures >= failuresToOpen) {
      open();
    }
  }

  /** A call that said nothing about the dependency's health (e.g. it was interrupted). */
  synchronized void onAbandoned() {
    probeInFlight = false;
  }

  private void open() {
    state = State.OPEN;
    probeInFlight = false;
    openUntil = clock.instant().plus(currentOpenFor);
  }

  /** Whether no probe is running (always true unless half-open). */
  synchronized boolean probeFree() {
    return state != State.HALF_OPEN || !probeInFlight;
  }

  synchronized State state() {
    return state;
  }

  /** How long claims should wait for this dependency: until a probe may go, or while one runs. */
  synchronized Duration claimWait() {
    if (state == State.OPEN) {
      Duration left = Duration.between(clock.instant(), openUntil);
      return left.isNegative() ? Duration.ZERO : left;
    }
    return Duration.ZERO;
  }

  /** When calls may be tried again: now when closed, the end of the open time otherwise. */
  synchronized Instant retryAt() {
    return state == State.CLOSED ? clock.instant() : openUntil;
  }

  @Override
  public synchronized String toString() {
    return dependency.label() + " breaker " + state;
  }
}
